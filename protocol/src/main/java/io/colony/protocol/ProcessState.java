package io.colony.protocol;

/** ColonyOS process states. SUCCESS and FAILED are final. */
public enum ProcessState {
    WAITING, RUNNING, SUCCESS, FAILED;

    /** True for SUCCESS and FAILED. */
    public boolean isFinal() {
        return this == SUCCESS || this == FAILED;
    }
}
