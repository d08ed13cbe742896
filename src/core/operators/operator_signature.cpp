#include "operators/operator_signature.hpp"

#include "encoding/encoding.hpp"
#include "signature/cades.hpp"

namespace sigcard::operators {

SignedByOperator check_operator_signature(soci::session& s, const std::string& operator_name,
                                          std::string_view content,
                                          std::span<const std::uint8_t> cms,
                                          const ErrorCode& invalid, std::int64_t now) {
    const auto who = operator_by_name(s, operator_name);
    if (!who) {
        throw Error(errors::not_found, operator_name);
    }
    signature::VerifiedSignature verified;
    try {
        verified = signature::verify_cades(ossl::as_bytes(content), cms);
    } catch (const Error& e) {
        throw Error(invalid, std::string(e.id()));
    }
    std::string der_base64;
    std::string status;
    long long not_before = 0;
    long long not_after = 0;
    s << "SELECT der, status, not_before, not_after FROM certificates WHERE serial = :serial AND "
         "role = 'holder'",
        soci::use(who->certificate_serial), soci::into(der_base64), soci::into(status),
        soci::into(not_before), soci::into(not_after);
    const auto signer = ossl::to_der(verified.signer_certificate.get());
    if (!s.got_data() ||
        encoding::from_base64(der_base64) != std::string(signer.begin(), signer.end())) {
        throw Error(invalid, "not " + operator_name + "'s registered card");
    }
    if (status != "good" || now < not_before || now > not_after) {
        throw Error(invalid, operator_name + "'s card is " + status);
    }
    return {*who, who->certificate_serial};
}

}  // namespace sigcard::operators
