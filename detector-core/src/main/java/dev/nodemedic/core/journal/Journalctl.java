package dev.nodemedic.core.journal;

import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.logsources.JournalLine;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * systemd's {@code journalctl}, run as a child process: no native library in the agent, and the
 * journal's own reader does the file handling (rotation, vacuuming, the compact format). Builds its
 * command lines and runs its short calls: whether a journal holds anything, and one window of entries.
 */
public final class Journalctl {
    /** journalctl's words kept for a message; bounded. */
    static final int MAX_WORDS = 500;

    private final String binary;

    /** @param binary a path, or a name looked up on {@code PATH} (the agent's {@code journalctl}) */
    public Journalctl(String binary) {
        this.binary = binary;
    }

    String binary() {
        return binary;
    }

    /** Fails, saying what to do, when the binary is not there: a clearer word than the kernel's ENOENT. */
    void requireInstalled() throws IOException {
        boolean there;
        if (binary.contains(File.separator)) {
            there = Files.isExecutable(Path.of(binary));
        } else {
            String path = System.getenv("PATH");
            there = path != null && List.of(path.split(File.pathSeparator)).stream().anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, binary)));
        }
        if (!there) {
            throw new IOException(binary + ": " + (binary.contains(File.separator) ? "not there" : "not found on PATH")
                    + "; install systemd's journalctl in the agent's image (the agent reads the node's journal with it)");
        }
    }

    /**
     * {@code journalctl --follow} of {@code terms} (OR-ed with {@code +}) from a cursor or a time.
     *
     * @param afterCursor where the last run stopped; empty to start at {@code since}
     * @param fields      what the reader needs of each entry; journalctl prints only those (and its cursor and time)
     */
    List<String> follow(Optional<Path> directory, String afterCursor, Instant since, List<Map<String, String>> terms, Set<String> fields) {
        List<String> args = new ArrayList<>(List.of(binary, "--output=json", "--follow", "--no-pager", "--lines=all"));
        directory.ifPresent(dir -> args.add("--directory=" + dir));
        if (afterCursor.isEmpty()) {
            args.add("--since=@" + since.getEpochSecond());
        } else {
            args.add("--after-cursor=" + afterCursor);
        }
        args.add("--output-fields=" + String.join(",", outputFields(fields)));
        args.addAll(matches(terms));
        return args;
    }

    private static Set<String> outputFields(Set<String> fields) {
        Set<String> all = new TreeSet<>(fields);
        all.add("MESSAGE");
        return all;
    }

    /** journalctl's matches: the fields of one term all hold, {@code +} between terms. Sorted, so one query is one command line. */
    static List<String> matches(List<Map<String, String>> terms) {
        List<String> args = new ArrayList<>();
        for (Map<String, String> term : terms) {
            if (!args.isEmpty()) {
                args.add("+");
            }
            new TreeMap<>(term).forEach((name, value) -> args.add(name + "=" + value));
        }
        return args;
    }

    /** Starts journalctl with its complaints merged into its output and nothing on its input. */
    Process start(List<String> args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + binary + " (" + e.getMessage() + "); install systemd's journalctl in the agent's image", e);
        }
    }

    /** journalctl and its journal as one would type them, for messages. */
    String asked(Optional<Path> directory) {
        return directory.map(dir -> binary + " --directory=" + dir).orElse(binary);
    }

    /**
     * Fails, with journalctl's words, unless the journal holds an entry. journalctl does not count a
     * missing journal as an error: without {@code --follow} it prints nothing (or "No journal files were
     * found.") and exits 0, with it it waits forever. A container without the host's journal, or without
     * the host's {@code /etc/machine-id} (which names the journal's directory), would look like a quiet
     * node instead of a blind agent. Any entry will do, not only a subscriber's: a readable journal
     * without dockerd's lines is a node without dockerd.
     *
     * @param limit how long journalctl may take; it is killed after that
     */
    void requireEntries(Optional<Path> directory, Duration limit) throws IOException, InterruptedException {
        requireInstalled();
        List<String> args = new ArrayList<>(List.of(binary, "--output=json", "--lines=1", "--no-pager"));
        directory.ifPresent(dir -> args.add("--directory=" + dir));
        Process p = start(args);
        String asked = asked(directory);
        String where = directory.isEmpty()
                ? "mount the host's journal (/var/log/journal, or /run/log/journal where it is volatile) and its /etc/machine-id into the pod"
                : "check that " + directory.get() + " holds the host's journal files";
        FutureTask<CheckOutput> output = new FutureTask<>(() -> CheckOutput.read(p.getInputStream()));
        Thread.ofVirtual().name("journalctl-check").start(output);
        try {
            // Done at the first entry, or once journalctl closes its output.
            CheckOutput said = output.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            if (said.entry()) {
                return;
            }
            String exit = p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS) ? "exit status " + p.exitValue() : "still running";
            throw new IOException(asked + " found no journal entry (" + (said.words().isEmpty() ? "it printed nothing" : "\"" + said.words() + "\"")
                    + ", " + exit + "); " + where);
        } catch (TimeoutException e) {
            throw new IOException(asked + " did not answer within " + limit.toMillis() + " ms; " + where, e);
        } catch (ExecutionException e) {
            throw new IOException("reading journalctl's answer failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Hands {@code entries} the entries of {@code query} from {@code since} to {@code until} (both
     * included), oldest first: no {@code --follow}, so journalctl ends at the window's end.
     *
     * @param limit how long journalctl may take; it is killed after that and the read fails
     * @return how many entries were handed on
     */
    long readWindow(Journal.Query query, Instant since, Instant until, Duration limit, Consumer<Journal.Entry> entries)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(binary, "--output=json", "--no-pager"));
        query.directory().ifPresent(dir -> args.add("--directory=" + dir));
        // Whole seconds, widened to cover the window; entries are cut to it exactly by their microseconds.
        args.add("--since=@" + since.getEpochSecond());
        args.add("--until=@" + (until.getEpochSecond() + 1));
        Set<String> wanted = new TreeSet<>(query.fields());
        wanted.addAll(fieldsOf(query));
        // What is parsed is all that is printed: the matched fields (to check them again), those asked for, and the message.
        args.add("--output-fields=" + String.join(",", outputFields(wanted)));
        args.addAll(matches(query.terms()));
        Process p = start(args);
        long sinceMicros = micros(since);
        long untilMicros = micros(until);
        FutureTask<WindowOutput> output = new FutureTask<>(() -> WindowOutput.read(p.getInputStream(), query, wanted, sinceMicros, untilMicros, entries));
        Thread.ofVirtual().name("journalctl-window").start(output);
        try {
            WindowOutput read = output.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IOException(asked(query.directory()) + " exited with status " + exit + (read.words().isEmpty() ? "" : ": " + read.words()));
            }
            return read.handed();
        } catch (TimeoutException e) {
            throw new IOException(asked(query.directory()) + " did not finish reading " + query + " within " + limit.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IOException("reading journalctl's answer failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            p.destroyForcibly();
        }
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    static Set<String> fieldsOf(Journal.Query query) {
        Set<String> names = new TreeSet<>();
        query.terms().forEach(term -> names.addAll(term.keySet()));
        return names;
    }

    /** The entry as a subscriber sees it: its time, message, and of its fields those the query asked for. */
    static Journal.Entry entry(JournalLine line, Journal.Query query) {
        Map<String, String> asked = new TreeMap<>();
        for (String name : query.fields()) {
            String value = line.fields().get(name);
            if (value != null) {
                asked.put(name, value);
            }
        }
        return new Journal.Entry(Instant.EPOCH.plusNanos(line.realtimeMicros() * 1000), line.message(), asked);
    }

    static String firstWords(String line) {
        String stripped = line.strip();
        return stripped.length() > MAX_WORDS ? stripped.substring(0, MAX_WORDS) : stripped;
    }

    /** What a window read printed: entries handed on, and journalctl's first complaint. */
    private record WindowOutput(long handed, String words) {
        static WindowOutput read(InputStream in, Journal.Query query, Set<String> wanted, long sinceMicros, long untilMicros, Consumer<Journal.Entry> entries)
                throws IOException {
            long handed = 0;
            String words = "";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.isEmpty() || line.charAt(0) != '{') {
                        if (words.isEmpty() && !line.isBlank()) {
                            words = firstWords(line);
                        }
                        continue;
                    }
                    JournalLine entry;
                    try {
                        entry = JournalLine.parse(line, wanted);
                    } catch (IllegalArgumentException e) {
                        // As the followed journal does: an entry that is not the JSON expected is passed over.
                        continue;
                    }
                    if (entry.realtimeMicros() >= sinceMicros && entry.realtimeMicros() <= untilMicros && matchesOrUnchecked(query, entry)) {
                        entries.accept(entry(entry, query));
                        handed++;
                    }
                }
            }
            return new WindowOutput(handed, words);
        }

        /** journalctl filtered already; an entry printed without the matched fields (an older journalctl's -o json never does that) is taken as matching. */
        private static boolean matchesOrUnchecked(Journal.Query query, JournalLine entry) {
            return entry.fields().isEmpty() || query.matches(entry.fields());
        }
    }

    /** What the check printed: whether an entry came, and its first complaint otherwise. */
    private record CheckOutput(boolean entry, String words) {
        static CheckOutput read(InputStream in) throws IOException {
            String words = "";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!line.isEmpty() && line.charAt(0) == '{') {
                        return new CheckOutput(true, "");
                    }
                    if (words.isEmpty() && !line.isBlank()) {
                        words = firstWords(line);
                    }
                }
            }
            return new CheckOutput(false, words);
        }
    }
}
