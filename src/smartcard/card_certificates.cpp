#include "smartcard/card_certificates.hpp"

#include "encoding/encoding.hpp"
#include "smartcard/card_errors.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sigcard::smartcard {

std::vector<CardCertificate> read_certificates(const CardSession& session) {
    CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    const CK_ATTRIBUTE match[] = {{CKA_CLASS, &klass, sizeof klass},
                                  {CKA_CERTIFICATE_TYPE, &type, sizeof type}};
    std::vector<CardCertificate> out;
    for (auto object : session.find_objects(match)) {
        auto value = session.attribute(object, CKA_VALUE);
        if (!value) {
            continue;
        }
        auto cert = ossl::x509_from_der(*value);
        if (!cert) {
            spdlog::warn("card: skipping unparsable certificate object on slot {}", session.slot());
            continue;
        }
        auto id = session.attribute(object, CKA_ID).value_or(ossl::Bytes{});
        auto label = session.attribute(object, CKA_LABEL).value_or(ossl::Bytes{});
        out.push_back({std::move(cert), std::move(id), std::string(label.begin(), label.end())});
    }
    return out;
}

namespace {

bool is_qualified_signing(const X509* cert) {
    // A qualified signature certificate carries keyUsage nonRepudiation (contentCommitment);
    // authentication and encryption certificates on the same card do not.
    const uint32_t usage = X509_get_key_usage(const_cast<X509*>(cert));
    return usage != UINT32_MAX && (usage & KU_NON_REPUDIATION) != 0;
}

}  // namespace

CardCertificate qualified_signing_certificate(const CardSession& session) {
    for (auto& entry : read_certificates(session)) {
        if (is_qualified_signing(entry.certificate.get())) {
            return std::move(entry);
        }
    }
    throw Error(errors::no_qualified_certificate,
                fmt::format("slot {}: no certificate with nonRepudiation", session.slot()));
}

CK_OBJECT_HANDLE find_private_key(const CardSession& session, const ossl::Bytes& id) {
    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    const CK_ATTRIBUTE match[] = {{CKA_CLASS, &klass, sizeof klass},
                                  {CKA_ID, const_cast<std::uint8_t*>(id.data()), id.size()}};
    const auto keys = session.find_objects(match);
    if (keys.empty()) {
        throw Error(errors::key_not_found, fmt::format("CKA_ID {}", encoding::hex(id)));
    }
    return keys.front();
}

}  // namespace sigcard::smartcard
