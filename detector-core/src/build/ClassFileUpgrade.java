import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Run by the build on the distribution's lib folder ({@code java ClassFileUpgrade.java <lib>}), before the
 * AOT cache is trained: every class file older than Java 6 in a jar there is rewritten as a Java 8 class
 * file, with the stack maps such a file carries, and the jar replaced.
 *
 * <p>Why: the JDK's AOT cache refuses classes older than Java 6 ("Old class has been linked"), and picocli
 * ships its classes compiled for Java 5. So every start read its 170-odd classes from the jar and
 * verified them with the old inference verifier, about 0.05-0.08 s of CPU on the node's core before the
 * agent reads its first line (docs/benchmarks.md, "Kernel-log on NPD's own rule files"). Only the class
 * file version changes and stack maps are added: the bytecode, constant pool entries, attributes and
 * entry order stay. Each rewritten class is checked by the ClassFile API's verifier, the JVM's split
 * verifier, and any error fails the build; jars with no old class are left untouched.
 */
public final class ClassFileUpgrade {
    /** Java 6 (50) is the first version the AOT cache takes; Java 8's stack maps are mandatory, as from 51. */
    private static final int OLDEST_CACHED = ClassFile.JAVA_6_VERSION;
    private static final int TARGET = ClassFile.JAVA_8_VERSION;

    private ClassFileUpgrade() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
            System.err.println("usage: java ClassFileUpgrade.java <lib folder of the distribution>");
            System.exit(2);
        }
        List<String> failures = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                failures.addAll(upgrade(jar));
            }
        }
        if (!failures.isEmpty()) {
            failures.forEach(System.err::println);
            System.exit(1);
        }
    }

    /** Rewrites the jar if it holds an old class file; returns what could not be rewritten (then the jar stays as it was). */
    static List<String> upgrade(Path jar) throws IOException {
        if (!holdsOldClass(jar)) {
            return List.of();
        }
        List<String> failures = new ArrayList<>();
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        // Stack maps need the common super class of two types: picocli's own classes are resolved from its jar, the JDK's from the JDK.
        // Whatever fails, the half-written copy goes: a build that does not clean lib/ must not ship it.
        try (JarFile in = new JarFile(jar.toFile());
                URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                OutputStream file = Files.newOutputStream(rewritten);
                JarOutputStream out = new JarOutputStream(file)) {
            ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS, ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(classes))));
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream content = in.getInputStream(entry)) {
                    bytes = content.readAllBytes();
                }
                if (isOldClass(entry, bytes)) {
                    try {
                        bytes = upgrade(classFile, bytes);
                        List<VerifyError> errors = classFile.verify(bytes);
                        if (!errors.isEmpty()) {
                            failures.add(jar.getFileName() + "!/" + entry.getName() + " does not verify as Java 8: " + errors);
                        }
                        upgraded++;
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        failures.add(jar.getFileName() + "!/" + entry.getName() + " cannot be rewritten as Java 8: " + e.getMessage());
                    }
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(rewritten);
            throw e;
        }
        if (!failures.isEmpty()) {
            Files.delete(rewritten);
            failures.add("the build fails: " + jar + " is left as it was, and its old classes would stay out of the AOT cache (every start"
                    + " reads them from the jar); a newer version of that library, or one compiled for Java 6 or later, needs no rewriting");
            return failures;
        }
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println(jar.getFileName() + ": " + upgraded + " class files older than Java 6 rewritten as Java 8, for the AOT cache");
        return List.of();
    }

    private static byte[] upgrade(ClassFile classFile, byte[] bytes) {
        ClassModel model = classFile.parse(bytes);
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(TARGET, 0);
            } else {
                builder.with(element);
            }
        };
        // Passing each method body through a builder makes the ClassFile API write it anew, with stack maps.
        return classFile.transformClass(model, version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
    }

    private static boolean holdsOldClass(Path jar) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class")) {
                    try (InputStream content = in.getInputStream(entry)) {
                        if (isOldClass(entry, content.readNBytes(8))) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** A class file (not a module descriptor, which needs Java 9 anyway) whose major version is below Java 6's. */
    private static boolean isOldClass(JarEntry entry, byte[] head) {
        if (!entry.getName().endsWith(".class") || entry.getName().endsWith("module-info.class") || head.length < 8) {
            return false;
        }
        int major = (head[6] & 0xff) << 8 | head[7] & 0xff;
        return major < OLDEST_CACHED;
    }
}
