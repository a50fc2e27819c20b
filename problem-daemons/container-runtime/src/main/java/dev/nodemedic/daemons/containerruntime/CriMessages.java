package dev.nodemedic.daemons.containerruntime;

import dev.nodemedic.daemons.containerruntime.ProtoReader.MalformedMessageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CRI messages this daemon sends and reads, with the field numbers of {@code src/main/proto/cri.proto}
 * (k8s.io/cri-api runtime/v1). Both directions are here: the daemon encodes requests and decodes
 * responses; the tests' stand-in runtime does the opposite with the same code.
 */
final class CriMessages {
    /** The CRI version the kubelet sends in VersionRequest. */
    static final String API_VERSION = "v1";

    private CriMessages() {
    }

    record VersionRequest(String version) {
        byte[] encode() {
            return new ProtoWriter().string(1, version).toByteArray();
        }

        static VersionRequest decode(byte[] bytes) throws MalformedMessageException {
            String version = "";
            ProtoReader reader = new ProtoReader(bytes);
            while (reader.next()) {
                if (reader.field() == 1) {
                    version = reader.string();
                } else {
                    reader.skip();
                }
            }
            return new VersionRequest(version);
        }
    }

    record VersionResponse(String version, String runtimeName, String runtimeVersion, String runtimeApiVersion) {
        byte[] encode() {
            return new ProtoWriter().string(1, version).string(2, runtimeName).string(3, runtimeVersion).string(4, runtimeApiVersion).toByteArray();
        }

        static VersionResponse decode(byte[] bytes) throws MalformedMessageException {
            String version = "";
            String name = "";
            String runtimeVersion = "";
            String apiVersion = "";
            ProtoReader reader = new ProtoReader(bytes);
            while (reader.next()) {
                switch (reader.field()) {
                    case 1 -> version = reader.string();
                    case 2 -> name = reader.string();
                    case 3 -> runtimeVersion = reader.string();
                    case 4 -> apiVersion = reader.string();
                    default -> reader.skip();
                }
            }
            return new VersionResponse(version, name, runtimeVersion, apiVersion);
        }
    }

    record StatusRequest(boolean verbose) {
        byte[] encode() {
            return new ProtoWriter().bool(1, verbose).toByteArray();
        }

        static StatusRequest decode(byte[] bytes) throws MalformedMessageException {
            boolean verbose = false;
            ProtoReader reader = new ProtoReader(bytes);
            while (reader.next()) {
                if (reader.field() == 1) {
                    verbose = reader.bool();
                } else {
                    reader.skip();
                }
            }
            return new StatusRequest(verbose);
        }
    }

    /** One of the runtime's own conditions; the kubelet requires RuntimeReady and NetworkReady to be true. */
    record RuntimeCondition(String type, boolean status, String reason, String message) {
        byte[] encode() {
            return new ProtoWriter().string(1, type).bool(2, status).string(3, reason).string(4, message).toByteArray();
        }

        static RuntimeCondition decode(byte[] bytes) throws MalformedMessageException {
            String type = "";
            boolean status = false;
            String reason = "";
            String message = "";
            ProtoReader reader = new ProtoReader(bytes);
            while (reader.next()) {
                switch (reader.field()) {
                    case 1 -> type = reader.string();
                    case 2 -> status = reader.bool();
                    case 3 -> reason = reader.string();
                    case 4 -> message = reader.string();
                    default -> reader.skip();
                }
            }
            return new RuntimeCondition(type, status, reason, message);
        }
    }

    /** StatusResponse.status.conditions; the rest of the response (info, handlers, features) is skipped. */
    record StatusResponse(List<RuntimeCondition> conditions) {
        StatusResponse {
            conditions = List.copyOf(conditions);
        }

        Optional<RuntimeCondition> condition(String type) {
            return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
        }

        byte[] encode() {
            ProtoWriter status = new ProtoWriter();
            for (RuntimeCondition condition : conditions) {
                status.message(1, condition.encode());
            }
            return new ProtoWriter().message(1, status.toByteArray()).toByteArray();
        }

        static StatusResponse decode(byte[] bytes) throws MalformedMessageException {
            List<RuntimeCondition> conditions = new ArrayList<>();
            ProtoReader response = new ProtoReader(bytes);
            while (response.next()) {
                if (response.field() != 1) {
                    response.skip();
                    continue;
                }
                ProtoReader status = new ProtoReader(response.message());
                while (status.next()) {
                    if (status.field() == 1) {
                        conditions.add(RuntimeCondition.decode(status.message()));
                    } else {
                        status.skip();
                    }
                }
            }
            return new StatusResponse(conditions);
        }
    }
}
