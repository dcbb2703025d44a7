package org.loralab.engine.bank;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One adapter folder of a bank, as read without loading any model.
 *
 * @param status VALID, INCOMPATIBLE with the chosen base model, or INVALID (unreadable)
 * @param reason why it is not VALID; for a VALID one a note (e.g. tensors PEFT would ignore), else null
 * @param language,domain,task,description from loralab.json; null when unknown (PEFT adapters without a sidecar)
 */
public record BankEntry(String name, Path path, Status status, String reason, String baseModel, Integer rank, Double alpha,
        List<String> targetModules, String language, String domain, String task, String description, String method,
        Long parameterCount, long sizeOnDisk, Map<String, Double> metrics, String created) {

    public enum Status { VALID, INCOMPATIBLE, INVALID }

    public boolean usable() {
        return status == Status.VALID;
    }

    static BankEntry invalid(String name, Path path, long size, String reason) {
        return new BankEntry(name, path, Status.INVALID, reason, null, null, null, List.of(), null, null, null, null, null,
                null, size, Map.of(), null);
    }

    BankEntry withStatus(Status s, String why) {
        return new BankEntry(name, path, s, why, baseModel, rank, alpha, targetModules, language, domain, task, description,
                method, parameterCount, sizeOnDisk, metrics, created);
    }
}
