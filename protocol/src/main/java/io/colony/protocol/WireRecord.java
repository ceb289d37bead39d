package io.colony.protocol;

import com.google.protobuf.ByteString;
import io.colony.protocol.pb.SignedRecord;
import java.util.Base64;

/**
 * The JSON form of a {@link SignedRecord} in the HTTP API:
 * {@code {"body": "<base64 of the Record protobuf>", "signer": "<64 hex>", "signature": "<128 hex>"}}.
 * The signature covers {@code "colony-record-v1:" || body bytes}, exactly as in the ledger.
 *
 * @param body      standard base64 of the serialized {@code Record}
 * @param signer    the signer's Ed25519 public key, 64 hex characters
 * @param signature the Ed25519 signature, 128 hex characters
 */
public record WireRecord(String body, String signer, String signature) {

    /** The JSON form of a signed record. */
    public static WireRecord of(SignedRecord r) {
        return new WireRecord(Base64.getEncoder().encodeToString(r.getBody().toByteArray()),
                Hex.encode(r.getSigner().toByteArray()), Hex.encode(r.getSignature().toByteArray()));
    }

    /**
     * The protobuf envelope (structure not yet checked: use {@link Records#open(SignedRecord)}).
     *
     * @throws InvalidRecordException if a field is missing or not valid base64/hex
     */
    public SignedRecord toSigned() {
        if (body == null || signer == null || signature == null) {
            throw new InvalidRecordException("body, signer and signature are required");
        }
        if (body.length() > (Records.MAX_RECORD_BYTES / 3 + 1) * 4) {
            throw new InvalidRecordException("larger than " + Records.MAX_RECORD_BYTES + " bytes");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("body must be base64");
        }
        byte[] key;
        byte[] sig;
        try {
            key = Hex.decode(signer, Ids.ID_BYTES, "signer");
            sig = Hex.decode(signature, Signatures.SIGNATURE_BYTES, "signature");
        } catch (InvalidInputException e) {
            throw new InvalidRecordException(e.getMessage());
        }
        return SignedRecord.newBuilder().setBody(ByteString.copyFrom(bytes)).setSigner(ByteString.copyFrom(key))
                .setSignature(ByteString.copyFrom(sig)).build();
    }
}
