package dev.nodemedic.daemons.containerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemons.containerruntime.CriMessages.RuntimeCondition;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusResponse;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionResponse;
import dev.nodemedic.daemons.containerruntime.ProtoReader.MalformedMessageException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hand-written codec against bytes worked out from the protobuf wire format: a key is the varint
 * {@code field << 3 | wire type} (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32); a
 * length-delimited value is a varint length then the bytes.
 */
class CriMessagesTest {
    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    @Test
    void versionRequestIsField1AsAString() {
        // key 0x0a = field 1, wire type 2; length 2; "v1"
        assertThat(new VersionRequest("v1").encode()).isEqualTo(hex("0a 02 76 31"));
    }

    @Test
    void statusRequestLeavesFalseOutAndWritesTrueAsVarintOne() {
        assertThat(new StatusRequest(false).encode()).isEmpty();
        // key 0x08 = field 1, wire type 0; value 1
        assertThat(new StatusRequest(true).encode()).isEqualTo(hex("08 01"));
    }

    @Test
    void versionResponseReadsAllFourStrings() throws Exception {
        byte[] bytes = hex("0a 05 30 2e 31 2e 30"          // 1: "0.1.0"
                + "12 0a 63 6f 6e 74 61 69 6e 65 72 64"      // 2: "containerd"
                + "1a 06 76 31 2e 37 2e 32"                  // 3: "v1.7.2"
                + "22 02 76 31");                            // 4: "v1"

        assertThat(VersionResponse.decode(bytes)).isEqualTo(new VersionResponse("0.1.0", "containerd", "v1.7.2", "v1"));
        assertThat(new VersionResponse("0.1.0", "containerd", "v1.7.2", "v1").encode()).isEqualTo(bytes);
    }

    @Test
    void statusResponseReadsNestedConditionsAndSkipsTheInfoMap() throws Exception {
        byte[] bytes = hex("0a 2a"                                            // 1: RuntimeStatus, 42 bytes
                + "0a 0e" + "0a 0c 52 75 6e 74 69 6d 65 52 65 61 64 79"       //   1: condition, 14: type "RuntimeReady"
                + "0a 18" + "0a 0c 4e 65 74 77 6f 72 6b 52 65 61 64 79"       //   1: condition, 24: type "NetworkReady"
                + "10 01"                                                     //      status true
                + "1a 06 4e 6f 43 4e 49 21"                                   //      reason "NoCNI!"
                + "12 06 0a 01 6b 12 01 76");                                 // 2: info {"k": "v"}, skipped

        StatusResponse response = StatusResponse.decode(bytes);

        assertThat(response.conditions()).containsExactly(new RuntimeCondition("RuntimeReady", false, "", ""),
                new RuntimeCondition("NetworkReady", true, "NoCNI!", ""));
        assertThat(response.condition("NetworkReady")).map(RuntimeCondition::status).contains(true);
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws Exception {
        byte[] bytes = hex("28 96 01"                    // 5: varint 150 (two bytes)
                + "31 01 02 03 04 05 06 07 08"           // 6: fixed64
                + "3d 01 02 03 04"                       // 7: fixed32
                + "42 03 61 62 63"                       // 8: length-delimited "abc"
                + "12 04 63 72 69 6f");                  // 2: "crio"

        assertThat(VersionResponse.decode(bytes).runtimeName()).isEqualTo("crio");
    }

    @Test
    void aLongStringHasATwoByteLength() throws Exception {
        String message = "x".repeat(200);
        // 200 = 0b1_1001000: low seven bits 0x48 with the continuation bit (0xc8), then 0x01.
        byte[] bytes = new RuntimeCondition("", false, "", message).encode();

        assertThat(bytes).startsWith(hex("22 c8 01"));
        assertThat(bytes).hasSize(3 + 200);
        assertThat(RuntimeCondition.decode(bytes).message()).isEqualTo(message);
    }

    @Test
    void stringsAreUtf8() throws Exception {
        // "é" is c3 a9 in UTF-8: two bytes, one character.
        assertThat(RuntimeCondition.decode(hex("22 02 c3 a9")).message()).isEqualTo("é");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            12 10 61 62 63                      | field 2 claims 16 bytes, only 3 are left
            12                                  | a varint is cut off at the end of the message
            ff ff ff ff ff ff ff ff ff ff 01    | a varint runs over ten bytes
            2b 01                               | field 5 has wire type 3, which protobuf 3 does not use
            00 01                               | field number 0 at byte 1 is out of range
            31 01 02                            | field 6 is cut off: needs 8 bytes, 2 are left
            0a 01 30 10 01                      | field 2 should be a length-delimited value (wire type 2) but has wire type 0
            """)
    void malformedBytesAreRefusedSayingWhat(String bytes, String expected) {
        assertThatThrownBy(() -> VersionResponse.decode(hex(bytes)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage(expected);
    }

    @Test
    void aGrpcFrameIsAFlagAndABigEndianLength() {
        assertThat(CriClient.frame(hex("0a 02 76 31"))).isEqualTo(hex("00 00 00 00 04 0a 02 76 31"));
        assertThat(CriClient.frame(new byte[300])).startsWith(hex("00 00 00 01 2c"));
    }

    @Test
    void grpcMessagesArePercentDecodedUtf8() {
        assertThat(CriClient.percentDecoded("unknown%20service%20runtime.v1.RuntimeService")).isEqualTo("unknown service runtime.v1.RuntimeService");
        assertThat(CriClient.percentDecoded("caf%C3%A9 100%")).isEqualTo("café 100%");
    }

    @Test
    void roundTripsKeepEveryField() throws Exception {
        StatusResponse status = new StatusResponse(List.of(new RuntimeCondition("RuntimeReady", true, "", ""),
                new RuntimeCondition("NetworkReady", false, "NetworkPluginNotReady", "cni plugin not initialized")));
        assertThat(StatusResponse.decode(status.encode())).isEqualTo(status);
        assertThat(StatusRequest.decode(new StatusRequest(true).encode())).isEqualTo(new StatusRequest(true));
        assertThat(VersionRequest.decode(new VersionRequest("v1").encode())).isEqualTo(new VersionRequest("v1"));
    }
}
