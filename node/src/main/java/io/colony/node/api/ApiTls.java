package io.colony.node.api;

import io.colony.protocol.Hex;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The API's TLS certificate: PEM files given by the operator, or a self-signed one (EC P-256) made once
 * in the data dir ({@value #CERT_FILE}, {@value #KEY_FILE}, the key file mode 600). Clients pin its
 * SHA-256 fingerprint ({@code COLONY_TLS_FINGERPRINT}).
 *
 * @param context     the server's TLS context
 * @param certificate the certificate served (the first of the chain)
 */
public record ApiTls(SslContext context, X509Certificate certificate) {

    /** File name of the self-signed certificate in the data dir. */
    public static final String CERT_FILE = "api-tls.crt";
    /** File name of its private key in the data dir. */
    public static final String KEY_FILE = "api-tls.key";
    private static final long VALID_DAYS = 3650;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    /** The hex SHA-256 of the certificate's DER encoding (what clients pin). */
    public String fingerprint() {
        return fingerprint(certificate);
    }

    /** The hex SHA-256 of a certificate's DER encoding. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return Hex.encode(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The TLS of an API: the given PEM files, or the data dir's self-signed certificate (made now if missing).
     *
     * @throws IllegalStateException one line when a file is missing or unusable
     */
    public static ApiTls load(ApiSettings settings, Path dataDir) {
        if (settings.tlsCert() != null) {
            return fromPem(settings.tlsCert(), settings.tlsKey());
        }
        Path cert = dataDir.resolve(CERT_FILE);
        Path key = dataDir.resolve(KEY_FILE);
        if (!Files.exists(cert) || !Files.exists(key)) {
            generate(cert, key);
        }
        return fromPem(cert, key);
    }

    /** Reads a PEM certificate chain and a PEM (PKCS#8) private key. */
    public static ApiTls fromPem(Path certFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (String[] block : blocks(certFile)) {
                if (block[0].equals("CERTIFICATE")) {
                    chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(block[1],
                            certFile))));
                }
            }
            for (String[] block : blocks(keyFile)) {
                if (block[0].equals("PRIVATE KEY")) {
                    key = privateKey(decode(block[1], keyFile), keyFile);
                } else if (block[0].endsWith("PRIVATE KEY")) {
                    throw new IllegalStateException("TLS key " + keyFile + " is a " + block[0] + " block: convert it"
                            + " to PKCS#8 ('openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8')");
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("TLS certificate " + certFile + " is not a valid X.509 certificate");
        }
        if (chain.isEmpty()) {
            throw new IllegalStateException("TLS certificate " + certFile + " holds no PEM CERTIFICATE block");
        }
        if (key == null) {
            throw new IllegalStateException("TLS key " + keyFile + " holds no PEM PRIVATE KEY block");
        }
        try {
            SslContext ctx = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
            return new ApiTls(ctx, chain.get(0));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use TLS certificate " + certFile + " with key " + keyFile + ": "
                    + e.getMessage());
        }
    }

    private static List<String[]> blocks(Path file) {
        String text;
        try {
            if (Files.size(file) > 1024 * 1024) {
                throw new IllegalStateException("TLS file " + file + " is larger than 1 MiB");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("TLS file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read TLS file " + file + ": " + e.getMessage());
        }
        List<String[]> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    private static byte[] decode(String base64, Path file) {
        try {
            return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("TLS file " + file + " has a malformed PEM block");
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8, Path file) {
        for (String alg : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalStateException("TLS key " + file + " is not an EC, RSA or Ed25519 PKCS#8 private key");
    }

    /** Makes a self-signed EC P-256 certificate and its key (mode 600) in PEM files. */
    static void generate(Path certFile, Path keyFile) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = kpg.generateKeyPair();
            SecureRandom random = new SecureRandom();
            AlgorithmIdentifier sigAlg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            X500Name name = new X500Name("CN=colony node API");
            long now = System.currentTimeMillis();
            V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
            g.setSerialNumber(new ASN1Integer(new BigInteger(63, random).add(BigInteger.ONE)));
            g.setSignature(sigAlg);
            g.setIssuer(name);
            g.setSubject(name);
            g.setStartDate(new Time(new Date(now - 86_400_000L)));
            g.setEndDate(new Time(new Date(now + VALID_DAYS * 86_400_000L)));
            g.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
            // loopback names, so that tools checking names against the file as a trust anchor accept it too
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            g.setExtensions(ext.generate());
            TBSCertificate tbs = g.generateTBSCertificate();
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(kp.getPrivate());
            s.update(tbs.getEncoded(ASN1Encoding.DER));
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(tbs);
            v.add(sigAlg);
            v.add(new DERBitString(s.sign()));
            byte[] der = new DERSequence(v).getEncoded(ASN1Encoding.DER);
            writeAtomically(keyFile, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), true);
            writeAtomically(certFile, pem("CERTIFICATE", der), false);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS certificate in " + certFile.getParent() + ": "
                    + e.getMessage());
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    secret ? "rw-------" : "rw-r--r--")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
