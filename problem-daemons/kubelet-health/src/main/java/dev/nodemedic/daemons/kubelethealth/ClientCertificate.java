package dev.nodemedic.daemons.kubelethealth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads the kubelet's client certificate. The kubelet writes its key and certificate chain into one
 * PEM file ({@code kubelet-client-<date>.pem}, linked as {@code kubelet-client-current.pem}); the
 * first CERTIFICATE block is the kubelet's own, the rest are intermediates.
 */
final class ClientCertificate {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    /** What reading the file gave. */
    sealed interface Reading {
        record Valid(String subject, Instant notAfter) implements Reading {
        }

        /** The file is not there: on a host without a kubelet, or without the PKI mounted. */
        record Missing(String why) implements Reading {
        }

        record Unreadable(String why) implements Reading {
        }
    }

    private final Path file;
    private final CertificateFactory factory;

    ClientCertificate(Path file) {
        this.file = file;
        try {
            this.factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            // Every JDK must provide X.509 (CertificateFactory's contract), so this is a broken runtime.
            throw new IllegalStateException("this Java runtime has no X.509 certificate factory", e);
        }
    }

    Reading read() {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new Reading.Missing(file + " does not exist");
        } catch (AccessDeniedException e) {
            return new Reading.Unreadable(file + " cannot be read: permission denied");
        } catch (IOException e) {
            return new Reading.Unreadable(file + " cannot be read: " + e.getMessage());
        }
        int begin = pem.indexOf(BEGIN);
        int end = begin < 0 ? -1 : pem.indexOf(END, begin);
        if (end < 0) {
            return new Reading.Unreadable(file + " holds no complete PEM CERTIFICATE block");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
            X509Certificate certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            return new Reading.Valid(certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant());
        } catch (IllegalArgumentException | CertificateException e) {
            return new Reading.Unreadable(file + ": the first CERTIFICATE block is not an X.509 certificate (" + e.getMessage() + ")");
        }
    }
}
