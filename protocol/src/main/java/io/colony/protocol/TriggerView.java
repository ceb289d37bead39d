package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A cron or a generator as a node knows it.
 *
 * @param id        the id of its CronAdd or GeneratorAdd record (64 hex)
 * @param kind      {@code cron} or {@code generator}
 * @param name      its name
 * @param owner     member id of its creator (who, besides the colony owner, may remove it)
 * @param created   when it was added, ms since the epoch
 * @param specs     what it submits: one spec is a process, more are a workflow
 * @param schedule  cron: the cron expression (UTC)
 * @param next      cron: the next tick, ms since the epoch (null once removed)
 * @param trigger   generator: packs per workflow
 * @param timeoutms generator: ms after the oldest waiting pack when it submits anyway (0: never)
 * @param pending   generator: packs waiting
 * @param runs      processes or workflows it submitted, as far as this node knows
 * @param last      id of the latest of them (a process or workflow id), or null
 * @param removed   when it was removed, ms since the epoch, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "kind", "name", "owner", "created", "schedule", "next", "trigger", "timeoutms", "pending",
        "runs", "last", "removed", "specs"})
public record TriggerView(String id, String kind, String name, String owner, long created, List<FunctionSpec> specs,
        String schedule, Long next, Integer trigger, Long timeoutms, Integer pending, int runs, String last,
        Long removed) {

    /** Copies the list. */
    public TriggerView {
        specs = List.copyOf(specs);
    }
}
