package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Time limits are range-checked and a spec cannot choose what the child loads or which program runs. */
class SpecLimitsTest {

    private static InvalidSpecException bad(String json) {
        return assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(json));
    }

    private static String spec(String extra) {
        return "{\"funcname\":\"echo\",\"conditions\":{\"executortype\":\"cli\"}," + extra + "}";
    }

    @Test
    void overflowingTimeLimitsAreRefusedNamingTheField() {
        long nearOverflow = Long.MAX_VALUE / 1000;
        InvalidSpecException e = bad(spec("\"maxexectime\":" + nearOverflow));
        assertEquals("maxexectime", e.field());
        assertTrue(e.getMessage().contains("at most 2592000 seconds"), e.getMessage());
        assertEquals("maxwaittime", bad(spec("\"maxwaittime\":" + nearOverflow)).field());
        assertEquals("maxwaittime", bad(spec("\"maxwaittime\":99999999999999999999999")).field());
        assertEquals("maxexectime", bad(spec("\"maxexectime\":2592001")).field());
        assertEquals("maxexectime", bad(spec("\"maxexectime\":-2")).field());
        assertEquals(0, SpecCodec.parse(spec("\"maxexectime\":-1")).maxexectime(), "-1 is Colonies' 'no limit'");
        FunctionSpec ok = SpecCodec.parse(spec("\"maxexectime\":2592000,\"maxwaittime\":0"));
        assertEquals(SpecCodec.MAX_TIME_LIMIT_SECONDS, ok.maxexectime());
    }

    @Test
    void protobufSpecsFromPeersObeyTheSameRanges() {
        FunctionSpec huge = FunctionSpec.of("cli", "sleep", "1").withLimits(Long.MAX_VALUE / 1000, 0, 0);
        io.colony.protocol.pb.FunctionSpec pb = SpecCodec.toProto(huge);
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecCodec.fromProto(pb));
        assertEquals("maxwaittime", e.field());
        io.colony.protocol.pb.FunctionSpec preload = SpecCodec.toProto(FunctionSpec.of("cli", "echo"))
                .toBuilder().putEnv("LD_PRELOAD", "/tmp/evil.so").build();
        assertEquals("env.LD_PRELOAD",
                assertThrows(InvalidSpecException.class, () -> SpecCodec.fromProto(preload)).field());
    }

    @Test
    void loaderAndProgramChoosingVariablesAreRefused() {
        for (String name : List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "ld_preload", "DYLD_INSERT_LIBRARIES", "PATH",
                "IFS", "BASH_ENV", "ENV", "PYTHONPATH", "PERL5OPT", "NODE_OPTIONS", "JAVA_TOOL_OPTIONS",
                "GLIBC_TUNABLES", "COLONY_PROCESS_ID", "COLONY_IN")) {
            InvalidSpecException e = bad(spec("\"env\":{\"" + name + "\":\"x\"}"));
            assertEquals("env." + name, e.field(), name);
        }
        assertTrue(bad(spec("\"env\":{\"COLONY_X\":\"1\"}")).getMessage().contains("reserved"));
        assertEquals("env.A=B", bad(spec("\"env\":{\"A=B\":\"1\"}")).field());
        assertEquals("env.1A", bad(spec("\"env\":{\"1A\":\"1\"}")).field());
        assertEquals("env.A", bad(spec("\"env\":{\"A\":\"x\\u0000y\"}")).field());
    }

    @Test
    void ordinaryVariablesPass() {
        FunctionSpec s = SpecCodec.parse(spec("\"env\":{\"GREETING\":\"hej\",\"PYTHONUNBUFFERED\":\"1\",\"HOME\":\"/x\"}"));
        assertEquals(Map.of("GREETING", "hej", "PYTHONUNBUFFERED", "1", "HOME", "/x"), s.env());
        assertNull(SpecCodec.envRefusal("MY_VAR"));
    }
}
