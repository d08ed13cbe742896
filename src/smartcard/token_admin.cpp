#include "smartcard/token_admin.hpp"

#include "smartcard/card_errors.hpp"
#include "smartcard/pkcs11_signer.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

namespace sigcard::smartcard {

namespace {

CK_UTF8CHAR* pin_bytes(const Secret& pin) {
    return reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.view().data()));
}

// PKCS#11 labels are 32 bytes, blank padded, no terminator.
std::array<CK_UTF8CHAR, 32> padded_label(std::string_view label) {
    std::array<CK_UTF8CHAR, 32> out;
    out.fill(' ');
    std::memcpy(out.data(), label.data(), std::min(label.size(), out.size()));
    return out;
}

// DER of the named-curve OID, as CKA_EC_PARAMS wants it.
ossl::Bytes curve_params(int nid) {
    ossl::Asn1ObjectPtr oid(OBJ_nid2obj(nid));
    const int len = i2d_ASN1_OBJECT(oid.get(), nullptr);
    ossl::Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_ASN1_OBJECT(oid.get(), &p);
    return der;
}

ossl::Bytes name_der(const X509_NAME* name) {
    unsigned char* buf = nullptr;
    const int len = i2d_X509_NAME(name, &buf);
    ossl::Bytes out(buf, buf + (len > 0 ? len : 0));
    OPENSSL_free(buf);
    return out;
}

ossl::Bytes serial_der(const X509* cert) {
    unsigned char* buf = nullptr;
    const int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &buf);
    ossl::Bytes out(buf, buf + (len > 0 ? len : 0));
    OPENSSL_free(buf);
    return out;
}

CK_OBJECT_HANDLE create_certificate(CardSession& session, const X509* cert, const ossl::Bytes& id,
                                    std::string_view label, CK_ULONG category) {
    auto value = ossl::to_der(cert);
    auto subject = name_der(X509_get_subject_name(cert));
    auto issuer = name_der(X509_get_issuer_name(cert));
    auto serial = serial_der(cert);
    CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    CK_ATTRIBUTE templ[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_CERTIFICATE_TYPE, &type, sizeof type},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &no, sizeof no},  // certificates are public: readable before the PIN
        {CKA_TRUSTED, &no, sizeof no},
        {CKA_CERTIFICATE_CATEGORY, &category, sizeof category},
        {CKA_VALUE, value.data(), value.size()},
        {CKA_SUBJECT, subject.data(), subject.size()},
        {CKA_ISSUER, issuer.data(), issuer.size()},
        {CKA_SERIAL_NUMBER, serial.data(), serial.size()},
        {CKA_ID, const_cast<std::uint8_t*>(id.data()), id.size()},
        {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
    };
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    session.check(session.api().C_CreateObject(session.handle(), templ, std::size(templ), &object),
                  errors::Step::other, "C_CreateObject certificate");
    return object;
}

}  // namespace

TokenInfo initialize_token(const Pkcs11Module& module, CK_SLOT_ID slot, std::string_view label,
                           const Secret& so_pin) {
    auto padded = padded_label(label);
    Secret pin = so_pin;  // wiped when this returns
    CK_RV rv = module.api().C_InitToken(slot, pin_bytes(pin), pin.size(), padded.data());
    if (rv != CKR_OK) {
        throw errors::to_error(rv, errors::Step::other, 0,
                               fmt::format("C_InitToken slot {}", slot));
    }
    return module.find_token(label);
}

void set_user_pin(CardSession& so_session, const Secret& user_pin) {
    Secret pin = user_pin;
    so_session.check(so_session.api().C_InitPIN(so_session.handle(), pin_bytes(pin), pin.size()),
                     errors::Step::other, "C_InitPIN");
}

void change_pin(CardSession& session, const Secret& old_pin, const Secret& new_pin) {
    Secret old_copy = old_pin;
    Secret new_copy = new_pin;
    session.check(session.api().C_SetPIN(session.handle(), pin_bytes(old_copy), old_copy.size(),
                                         pin_bytes(new_copy), new_copy.size()),
                  errors::Step::login, "C_SetPIN");
}

GeneratedKeyPair generate_key_pair(CardSession& session, const KeyPairSpec& spec) {
    const bool rsa = spec.type == KeyType::rsa_3072;
    CK_MECHANISM mechanism{rsa ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    session.require_mechanism(mechanism.mechanism);

    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    CK_BBOOL always_auth = spec.always_authenticate ? CK_TRUE : CK_FALSE;
    auto* id = const_cast<std::uint8_t*>(spec.id.data());
    auto* label = const_cast<char*>(spec.label.data());
    const ossl::Bytes params =
        curve_params(spec.type == KeyType::ec_p384 ? NID_secp384r1 : NID_X9_62_prime256v1);
    CK_ULONG modulus_bits = 3072;
    std::array<std::uint8_t, 3> exponent{0x01, 0x00, 0x01};

    std::vector<CK_ATTRIBUTE> pub = {
        {CKA_TOKEN, &yes, sizeof yes},         {CKA_PRIVATE, &no, sizeof no},
        {CKA_VERIFY, &yes, sizeof yes},        {CKA_ID, id, spec.id.size()},
        {CKA_LABEL, label, spec.label.size()},
    };
    if (rsa) {
        pub.push_back({CKA_MODULUS_BITS, &modulus_bits, sizeof modulus_bits});
        pub.push_back({CKA_PUBLIC_EXPONENT, exponent.data(), exponent.size()});
    } else {
        pub.push_back({CKA_EC_PARAMS, const_cast<std::uint8_t*>(params.data()), params.size()});
    }
    // The private key never leaves the card: that is what makes it a QSCD key.
    CK_ATTRIBUTE priv[] = {
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_ALWAYS_AUTHENTICATE, &always_auth, sizeof always_auth},
        {CKA_ID, id, spec.id.size()},
        {CKA_LABEL, label, spec.label.size()},
    };
    GeneratedKeyPair pair;
    session.check(
        session.api().C_GenerateKeyPair(session.handle(), &mechanism, pub.data(), pub.size(), priv,
                                        std::size(priv), &pair.public_key, &pair.private_key),
        errors::Step::other, "C_GenerateKeyPair");
    pair.public_key_value = token_public_key(session, pair.public_key);
    return pair;
}

CK_OBJECT_HANDLE store_certificate(CardSession& session, const X509* cert, const ossl::Bytes& id,
                                   std::string_view label) {
    return create_certificate(session, cert, id, label, 1);  // 1 = token user
}

CK_OBJECT_HANDLE store_ca_certificate(CardSession& session, const X509* cert, const ossl::Bytes& id,
                                      std::string_view label) {
    return create_certificate(session, cert, id, label, 2);  // 2 = authority
}

}  // namespace sigcard::smartcard
