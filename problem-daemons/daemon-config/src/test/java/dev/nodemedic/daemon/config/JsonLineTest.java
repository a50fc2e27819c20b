package dev.nodemedic.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineTest {
    record Row(String zeta, Long alpha, BigDecimal seconds, List<Object> items) {
    }

    @Test
    void recordsKeepTheirComponentOrderAndWriteNulls() {
        assertThat(JsonLine.of(new Row("z", null, new BigDecimal("0.100"), List.of(1, true, "s"))))
                .isEqualTo("{\"zeta\":\"z\",\"alpha\":null,\"seconds\":0.100,\"items\":[1,true,\"s\"]}");
    }

    @Test
    void mapsKeepTheirOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", null);
        assertThat(JsonLine.of(map)).isEqualTo("{\"b\":1,\"a\":null}");
    }

    @Test
    void textIsEscapedOntoOneLine() {
        assertThat(JsonLine.of("a\"b\\c\nd\u0001é")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001é\"");
    }

    record Broken(String reason) {
        @Override
        public String reason() {
            throw new IllegalStateException("no reason yet");
        }
    }

    @Test
    void aValueThatFailsToWriteIsAnIllegalArgumentNamingItsType() {
        assertThatThrownBy(() -> JsonLine.of(List.of(new Broken("x")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot write java.util.")
                .hasMessageContaining("no reason yet");
    }
}
