package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.DaemonApi;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** A command line that names a sub-command is built with that one only, and reads as the whole tree's does. */
class NodemedicCommandTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"run", "check-config", "report", "version"})
    void aNamedSubCommandIsBuiltAloneWithTheWholeTreesUsage(String name) {
        CommandLine alone = NodemedicCommand.commandLine(home, name, "--help");
        CommandLine whole = new CommandLine(new NodemedicCommand(home));

        assertThat(alone.getSubcommands()).containsOnlyKeys(name);
        assertThat(usages(alone.getSubcommands().get(name))).isEqualTo(usages(whole.getSubcommands().get(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "--help", "-V", "bogus", "rules"})
    void anyOtherFirstWordGetsEveryCommand(String first) {
        assertThat(NodemedicCommand.commandLine(home, first).getSubcommands()).containsOnlyKeys("run", "check-config", "report", "version", "help");
    }

    @Test
    void aSubCommandBuiltAloneStillTakesTheInheritedVersionOption() {
        CommandLine alone = NodemedicCommand.commandLine(home, "run", "-V");
        StringWriter out = new StringWriter();
        alone.setOut(new PrintWriter(out));

        assertThat(alone.execute("run", "-V")).isZero();
        assertThat(out.toString()).matches("nodemedic \\S+ \\(daemon-api " + Pattern.quote(DaemonApi.VERSION) + "\\)\\s*");
    }

    /** The usage of a command and of each of its own sub-commands, by qualified name. */
    private static Map<String, String> usages(CommandLine command) {
        Map<String, String> usages = new TreeMap<>();
        usages.put(command.getCommandSpec().qualifiedName(), command.getUsageMessage(CommandLine.Help.Ansi.OFF));
        command.getSubcommands().values().forEach(sub -> usages.putAll(usages(sub)));
        return usages;
    }
}
