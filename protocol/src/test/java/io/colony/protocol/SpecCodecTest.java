package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecCodecTest {
    private static final String FULL = """
            {"nodename":"n1","funcname":"echo","args":["a","b"],"kwargs":{"x":1,"y":{"z":"w"}},
             "env":{"K":"V"},"conditions":{"executortype":"cli","executornames":["e1"],"dependencies":[],
             "cpu":"500m","memory":"1Gi","gpu":"1"},"maxwaittime":10,"maxexectime":20,"maxretries":3,
             "priority":5,"label":"l","shell":true}""";

    private static InvalidSpecException bad(String json) {
        return assertThrows(InvalidSpecException.class, () -> SpecCodec.parse(json));
    }

    @Test
    void parsesEveryField() {
        FunctionSpec s = SpecCodec.parse(FULL);
        assertEquals("n1", s.nodename());
        assertEquals("echo", s.funcname());
        assertEquals(List.of("a", "b"), s.args());
        assertEquals(1, s.kwargs().get("x"));
        assertEquals(Map.of("K", "V"), s.env());
        assertEquals("cli", s.conditions().executortype());
        assertEquals(List.of("e1"), s.conditions().executornames());
        assertEquals("500m", s.conditions().cpu());
        assertEquals(10, s.maxwaittime());
        assertEquals(20, s.maxexectime());
        assertEquals(3, s.maxretries());
        assertEquals(5, s.priority());
        assertEquals("l", s.label());
        assertTrue(s.shell());
    }

    @Test
    void jsonRoundTrip() {
        FunctionSpec s = SpecCodec.parse(FULL);
        assertEquals(s, SpecCodec.parse(SpecCodec.toJson(s)));
    }

    @Test
    void protoRoundTripMapsResources() {
        FunctionSpec s = SpecCodec.parse(FULL);
        var p = SpecCodec.toProto(s);
        assertEquals(500, p.getConditions().getCpuMillis());
        assertEquals(1024, p.getConditions().getMemoryMb());
        assertEquals(1, p.getConditions().getGpus());
        assertEquals(s, SpecCodec.fromProto(p));
    }

    @Test
    void resourceUnits() {
        assertEquals(2000, SpecCodec.cpuMillis("2", "cpu"));
        assertEquals(250, SpecCodec.cpuMillis("250m", "cpu"));
        assertEquals(512, SpecCodec.memoryMb("512Mi", "memory"));
        assertEquals(954, SpecCodec.memoryMb("1G", "memory"));
        assertEquals(2048, SpecCodec.memoryMb("2Gi", "memory"));
        assertEquals("conditions.memory", bad("""
                {"funcname":"f","conditions":{"executortype":"t","memory":"lots"}}""").field());
    }

    @Test
    void errorsNameFieldAndRule() {
        InvalidSpecException e = bad("{\"funcname\":\"f\",\"conditions\":{\"executortype\":\"t\"},\"bogus\":1}");
        assertEquals("bogus", e.field());
        assertEquals("unknown field", e.rule());
        assertEquals("conditions.colour", bad("""
                {"funcname":"f","conditions":{"executortype":"t","colour":"red"}}""").field());
        assertEquals("funcname", bad("{\"conditions\":{\"executortype\":\"t\"}}").field());
        assertEquals("conditions.executortype", bad("{\"funcname\":\"f\"}").field());
        assertEquals("conditions.executortype", bad("{\"funcname\":\"f\",\"conditions\":{}}").field());
        e = bad("{\"funcname\":\"f\",\"conditions\":{\"executortype\":\"t\"},\"maxretries\":-2}");
        assertEquals("maxretries", e.field());
        assertEquals("must be >= 0", e.rule());
        assertEquals("maxwaittime", bad("""
                {"funcname":"f","conditions":{"executortype":"t"},"maxwaittime":-5}""").field());
        assertEquals("maxexectime", bad("""
                {"funcname":"f","conditions":{"executortype":"t"},"maxexectime":"10"}""").field());
        assertEquals("args[1]", bad("""
                {"funcname":"f","conditions":{"executortype":"t"},"args":["a",2]}""").field());
        assertEquals("funcname", bad("{\"funcname\":3,\"conditions\":{\"executortype\":\"t\"}}").field());
        assertEquals("spec", bad("{not json").field());
        assertEquals("spec", bad("[1,2]").field());
        assertEquals("maxexectime: must be a whole number", bad("""
                {"funcname":"f","conditions":{"executortype":"t"},"maxexectime":"10"}""").getMessage());
    }

    @Test
    void limits() {
        String big = "{\"funcname\":\"f\",\"conditions\":{\"executortype\":\"t\"},\"label\":\""
                + "x".repeat(SpecCodec.MAX_SPEC_BYTES) + "\"}";
        assertEquals("spec", bad(big).field());
        StringBuilder args = new StringBuilder("[");
        for (int i = 0; i <= SpecCodec.MAX_ARGS; i++) {
            args.append(i == 0 ? "" : ",").append("\"a\"");
        }
        assertEquals("args", bad("{\"funcname\":\"f\",\"conditions\":{\"executortype\":\"t\"},\"args\":"
                + args + "]}").field());
    }

    @Test
    void workflows() {
        List<FunctionSpec> w = SpecCodec.parseWorkflow("""
                {"functionspecs":[{"nodename":"a","funcname":"f","conditions":{"executortype":"t"}},
                {"nodename":"b","funcname":"g","conditions":{"executortype":"t","dependencies":["a"]}}]}""");
        assertEquals(2, w.size());
        assertEquals(List.of("a"), w.get(1).conditions().dependencies());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecCodec.parseWorkflow("""
                [{"nodename":"a","funcname":"f","conditions":{"executortype":"t","dependencies":["zz"]}}]"""));
        assertEquals("functionspecs[0].conditions.dependencies", e.field());
    }
}
