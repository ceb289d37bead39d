package io.colony.sdk;

import io.colony.protocol.Hex;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a client reaches a node over HTTPS: trusting the system's certificate authorities, or only the
 * one certificate whose SHA-256 fingerprint (of its DER encoding) is pinned, as a node's self-signed
 * certificate ({@code colony node start --api-tls}) is. With a pin, nothing but the exact certificate
 * is accepted; names are not checked (the pin is stronger).
 */
public final class ClientTls {

    private final String pin;
    private final SSLContext context;
    private final AtomicReference<String> mismatch = new AtomicReference<>();

    private ClientTls(String pin) {
        this.pin = pin;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, pin == null ? null : new TrustManager[] {new Pinned()}, new SecureRandom());
            this.context = ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this Java runtime: " + e.getMessage(), e);
        }
    }

    /** HTTPS trusting the Java runtime's certificate authorities. */
    public static ClientTls systemTrust() {
        return new ClientTls(null);
    }

    /**
     * HTTPS accepting only the certificate with this SHA-256 fingerprint.
     *
     * @param fingerprint 64 hex characters, colons allowed ({@code ab:cd:...})
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
     */
    public static ClientTls pinned(String fingerprint) {
        return new ClientTls(normalize(fingerprint));
    }

    /** A fingerprint as 64 lower-case hex characters. */
    public static String normalize(String fingerprint) {
        String f = fingerprint == null ? "" : fingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
        if (!f.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("COLONY_TLS_FINGERPRINT must be the certificate's SHA-256: 64 hex"
                    + " characters (colons allowed)");
        }
        return f;
    }

    /** The pinned fingerprint, or null. */
    public String pin() {
        return pin;
    }

    SSLContext context() {
        return context;
    }

    /** The last refused certificate's fingerprint when it did not match the pin, else null. */
    String lastMismatch() {
        return mismatch.get();
    }

    private final class Pinned extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the node presented no certificate");
            }
            String got;
            try {
                got = Hex.encode(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new CertificateException("cannot hash the node's certificate", e);
            }
            if (!MessageDigest.isEqual(got.getBytes(), pin.getBytes())) {
                mismatch.set(got);
                throw new CertificateException("the node's TLS certificate has fingerprint " + got
                        + ", not the pinned " + pin);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

}
