package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemons.kubelethealth.PlegLine.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The kubelet's PLEG error in the shapes its versions log it (lines as journalctl --output=cat prints them). */
class PlegLineTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # before 1.20: klog's unstructured line, the errors in brackets
            'E1207 15:16:22.530073   14756 kubelet.go:1846] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]' | PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s
            # 1.20 and later: structured, the error quoted in err=
            'E0610 17:39:22.920969    1980 kubelet.go:2353] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s"' | PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s
            # aggregated with other runtime errors, PLEG's in the middle
            'E0610 17:39:22.920969    1980 kubelet.go:2353] "Skipping pod synchronization" err="[container runtime is down, PLEG is not healthy: pleg was last seen active 4m0s ago; threshold is 3m0s, network plugin not ready]"' | PLEG is not healthy: pleg was last seen active 4m0s ago; threshold is 3m0s
            # the node status setter, inside the Ready condition it writes
            'I0610 17:42:01.000000    1980 setters.go:602] "Node became not ready" node="node-a" condition={"type":"Ready","status":"False","reason":"KubeletNotReady","message":"PLEG is not healthy: pleg was last seen active 3m0.4s ago; threshold is 3m0s"}' | PLEG is not healthy: pleg was last seen active 3m0.4s ago; threshold is 3m0s
            # the older setter printed the Go struct
            'I1207 15:20:01.000000   14756 setters.go:73] Node became not ready: {Type:Ready Status:False Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m0.4s ago; threshold is 3m0s}' | PLEG is not healthy: pleg was last seen active 3m0.4s ago; threshold is 3m0s
            # with the EventedPLEG feature gate, its own health check
            'E0610 17:39:22.920969    1980 kubelet.go:2353] "Skipping pod synchronization" err="EventedPLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s"' | EventedPLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s
            """)
    void aStalledPlegIsFoundInEveryShape(String line, String error) {
        assertThat(PlegLine.parse(line)).contains(new Report.Stalled(error));
    }

    @Test
    void aPlegThatHasNotRelistedYetIsToldApart() {
        String line = "E0118 10:19:44.767958  197889 kubelet.go:1877] \"Skipping pod synchronization\" "
                + "err=\"[container runtime status check may not have completed yet, PLEG is not healthy: pleg has yet to be successful]\"";

        assertThat(PlegLine.parse(line)).contains(new Report.NotYetRelisted("PLEG is not healthy: pleg has yet to be successful"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "I0610 17:39:22.920920    1980 kubelet.go:2329] \"Starting kubelet main sync loop\"",
            "E0610 17:39:22.920969    1980 kubelet.go:2353] \"Skipping pod synchronization\" err=\"container runtime is down\"",
            "I0610 17:39:22.920920    1980 generic.go:334] \"Generic (PLEG): container finished\" podID=\"x\" exitCode=0",
            "PLEG is not healthy",
            ""})
    void otherLinesAreNotPlegTrouble(String line) {
        assertThat(PlegLine.parse(line)).isEmpty();
    }
}
