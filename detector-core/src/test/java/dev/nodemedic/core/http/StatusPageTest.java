package dev.nodemedic.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
}
