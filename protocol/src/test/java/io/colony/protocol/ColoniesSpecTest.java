package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Specs written for Colonies ({@code colonies function submit}) parse unchanged: the two from the
 * Colonies documents, and Colonies-shaped specs with {@code colonyname}, {@code mem}, a {@code gpu}
 * object, {@code walltime}, {@code -1} limits; {@code fs} and {@code channels} are refused clearly.
 */
class ColoniesSpecTest {

    private static String fixture(String name) throws IOException {
        try (InputStream in = ColoniesSpecTest.class.getResourceAsStream("/colonies/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theDocumentedSpecsParse() throws IOException {
        FunctionSpec hello = SpecCodec.parse(fixture("sayhello.json"));
        assertEquals("echo sayhello", hello.funcname());
        assertEquals("cli", hello.conditions().executortype());
        assertEquals("helloworld-executor", SpecCodec.parse(fixture("helloworld.json")).conditions().executortype());
    }

    @Test
    void memGpuObjectWalltimeAndMinusOneAreReadAsColoniesMeansThem() throws IOException {
        FunctionSpec hpc = SpecCodec.parse(fixture("hpc.json"));
        assertEquals("1000m", hpc.conditions().cpu());
        assertEquals("1000Mi", hpc.conditions().memory());
        assertEquals("0", hpc.conditions().gpu());
        assertEquals(0, hpc.maxwaittime(), "-1: wait forever");
        assertEquals(600, hpc.maxexectime(), "walltime bounds the run when maxexectime is -1");
        assertEquals(3, hpc.maxretries());
        assertEquals(Map.of("STAGE", "pre"), hpc.env());

        FunctionSpec gpu = SpecCodec.parse(fixture("gpu.json"));
        assertEquals("8Gi", gpu.conditions().memory());
        assertEquals("1", gpu.conditions().gpu());
        assertEquals(0, gpu.maxexectime(), "-1: no limit");
        assertEquals(SpecCodec.MAX_RETRIES, gpu.maxretries(), "-1: retry forever (the most retries allowed)");
        io.colony.protocol.pb.FunctionSpec p = SpecCodec.toProto(gpu);
        assertEquals(4000, p.getConditions().getCpuMillis());
        assertEquals(8192, p.getConditions().getMemoryMb());
        assertEquals(1, p.getConditions().getGpus());
        assertEquals(gpu, SpecCodec.fromProto(p), "the same spec after the protobuf round trip");
    }

    @Test
    void walltimeAndMaxexectimeTakeTheSmaller() {
        FunctionSpec s = SpecCodec.parse("{\"funcname\": \"x\", \"maxexectime\": 100,"
                + " \"conditions\": {\"executortype\": \"t\", \"walltime\": 30}}");
        assertEquals(30, s.maxexectime());
    }

    @Test
    void fsAndChannelsAreRefusedWithAClearMessage() throws IOException {
        InvalidSpecException fs = assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(fixture("with-fs.json")));
        assertEquals("fs", fs.field());
        assertTrue(fs.getMessage().contains("not supported yet"), fs.getMessage());
        InvalidSpecException ch = assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(
                "{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\"}, \"channels\": [\"a\"]}"));
        assertEquals("channels", ch.field());
        SpecCodec.parse("{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\"}, \"fs\": {}, \"channels\": []}");
    }

    @Test
    void badColoniesFieldsNameTheField() {
        assertEquals("conditions.mem", assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(
                "{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\", \"mem\": \"1Gi\", \"memory\": \"1Gi\"}}"))
                .field());
        assertEquals("conditions.gpu.count", assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(
                "{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\", \"gpu\": {\"count\": \"many\"}}}"))
                .field());
        assertEquals("conditions.gpu.vendor", assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(
                "{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\", \"gpu\": {\"vendor\": \"x\"}}}"))
                .field());
        assertEquals("conditions.nodes", assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(
                "{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\", \"nodes\": 4}}")).field());
        assertEquals("maxretries", assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(
                "{\"funcname\": \"x\", \"conditions\": {\"executortype\": \"t\"}, \"maxretries\": -2}")).field());
    }
}
