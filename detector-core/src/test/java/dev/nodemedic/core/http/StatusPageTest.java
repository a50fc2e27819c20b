package dev.nodemedic.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.plugins.HeldBackJars.HeldBackJar;
import dev.nodemedic.core.plugins.Refusals.Refusal;
import dev.nodemedic.reporter.BookSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPageTest {
    private static final Instant NOW = Instant.parse("2026-11-23T15:50:37.512836695Z");

    @Test
    void timesReadToTheSecondWithTheirDistanceFromNow() {
        assertThat(StatusPage.when(NOW.minusSeconds(75), NOW)).isEqualTo("2026-11-23 15:49:22Z (1m15s ago)");
        assertThat(StatusPage.when(NOW.minusSeconds(3723), NOW)).isEqualTo("2026-11-23 14:48:34Z (1h2m3s ago)");
        assertThat(StatusPage.when(NOW.plusSeconds(8), NOW)).isEqualTo("2026-11-23 15:50:45Z (in 8s)");
    }

    @Test
    void textFromDaemonsIsEscaped() {
        assertThat(StatusPage.esc("<script>alert('x')</script> & \"q\"")).isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    }

    @Test
    void heldBackJarsAreListedWithWhyAfterTheDaemonsAndNotAsErrors() {
        String page = render(List.of(new HeldBackJar("/plugins/<acme> & co.jar", "onlyListedDaemons is set and the agent config names none of its daemons [acme]")),
                List.of(new Refusal("/plugins/broken.jar", "broken.jar: no daemon-api", NOW)));

        assertThat(page).contains("<h2>Held back</h2><table><tr><th>Jar</th><th>Why it is not loaded</th></tr>"
                + "<tr><td><code>/plugins/&lt;acme&gt; &amp; co.jar</code></td>"
                + "<td>onlyListedDaemons is set and the agent config names none of its daemons [acme]</td></tr></table>");
        assertThat(page.indexOf("<h2>Held back</h2>")).as("after Daemons, before Refused")
                .isGreaterThan(page.indexOf("<h2>Daemons</h2>")).isLessThan(page.indexOf("<h2>Refused</h2>"));
    }

    @Test
    void nothingHeldBackIsSaidAsTheOtherEmptySectionsSayIt() {
        assertThat(render(List.of(), List.of())).contains("<h2>Held back</h2><p class=\"none\">Nothing held back.</p>")
                .doesNotContain("<th>Why it is not loaded</th>");
    }

    private static String render(List<HeldBackJar> heldBack, List<Refusal> refusals) {
        AgentInfo agent = new AgentInfo("node-a", "1.0.0", "local", "/plugins", "", NOW.minusSeconds(60));
        return StatusPage.render(agent, NOW, List.of(), heldBack, refusals, BookSnapshot.EMPTY, List.of());
    }
}
