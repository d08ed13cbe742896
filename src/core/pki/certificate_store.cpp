#include "pki/certificate_store.hpp"

#include "encoding/encoding.hpp"
#include "pki/pki_errors.hpp"

#include <openssl/bn.h>

#include <algorithm>
#include <cctype>

namespace sigcard::pki {

namespace {
constexpr std::string_view role_names[] = {"root_ca", "issuing_ca", "ocsp_signer", "tls", "holder"};
constexpr std::string_view status_names[] = {"good", "revoked", "on_hold"};

template <typename E, std::size_t N>
E parse(const std::string& text, const std::string_view (&names)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) {
            return static_cast<E>(i);
        }
    }
    throw std::runtime_error("unknown value in certificates table: " + text);
}

std::string subject_text(const X509* cert) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

constexpr const char* columns =
    "serial, role, issuer_serial, subject, not_before, not_after, der, status, revocation_reason, "
    "revoked_at";

CertificateRecord from_row(const soci::row& row) {
    CertificateRecord r;
    r.serial = row.get<std::string>(0);
    r.role = parse<CertificateRole>(row.get<std::string>(1), role_names);
    if (row.get_indicator(2) == soci::i_ok) {
        r.issuer_serial = row.get<std::string>(2);
    }
    r.subject = row.get<std::string>(3);
    r.not_before = Seconds(std::chrono::seconds(row.get<long long>(4)));
    r.not_after = Seconds(std::chrono::seconds(row.get<long long>(5)));
    const std::string der = encoding::from_base64(row.get<std::string>(6));
    r.der.assign(der.begin(), der.end());
    r.status = parse<CertificateStatus>(row.get<std::string>(7), status_names);
    if (row.get_indicator(8) == soci::i_ok) {
        r.reason = static_cast<RevocationReason>(row.get<int>(8));
    }
    if (row.get_indicator(9) == soci::i_ok) {
        r.revoked_at = Seconds(std::chrono::seconds(row.get<long long>(9)));
    }
    return r;
}
}  // namespace

std::string_view to_string(CertificateRole role) {
    return role_names[static_cast<int>(role)];
}
std::string_view to_string(CertificateStatus status) {
    return status_names[static_cast<int>(status)];
}

void CertificateStore::record(const X509* cert, CertificateRole role, const X509* issuer,
                              Seconds issued_at) {
    const std::string serial = ossl::serial_hex(cert);
    const std::string role_name(to_string(role));
    std::optional<std::string> issuer_serial;
    if (issuer != nullptr) {
        issuer_serial = ossl::serial_hex(issuer);
    }
    soci::indicator issuer_ind = issuer_serial ? soci::i_ok : soci::i_null;
    const std::string issuer_value = issuer_serial.value_or("");
    const std::string subject = subject_text(cert);
    const long long not_before = ossl::to_seconds(X509_get0_notBefore(cert)).time_since_epoch().count();
    const long long not_after = ossl::to_seconds(X509_get0_notAfter(cert)).time_since_epoch().count();
    const auto der = ossl::to_der(cert);
    const std::string der_b64 = encoding::to_base64(der.data(), der.size());
    const long long issued = issued_at.time_since_epoch().count();
    db_.in_transaction([&](soci::session& s) {
        s << "INSERT INTO certificates (serial, role, issuer_serial, subject, not_before, "
             "not_after, der, "
             "issued_at) VALUES (:serial, :role, :issuer, :subject, :nb, :na, :der, :issued)",
            soci::use(serial), soci::use(role_name), soci::use(issuer_value, issuer_ind),
            soci::use(subject), soci::use(not_before), soci::use(not_after), soci::use(der_b64),
            soci::use(issued);
    });
}

std::optional<CertificateRecord> CertificateStore::find(std::string_view serial) const {
    const std::string key(serial);
    return db_.with_session([&](soci::session& s) { return Lookup(s).find(key); });
}

CertificateStore::Lookup::Lookup(soci::session& s)
    : statement_((s.prepare << "SELECT " << columns << " FROM certificates WHERE serial = :serial",
                  soci::use(serial_), soci::into(row_))) {}

std::optional<CertificateRecord> CertificateStore::Lookup::find(const std::string& serial) {
    serial_ = serial;
    if (!statement_.execute(true)) {
        return std::nullopt;
    }
    auto record = from_row(row_);
    storage::finish(statement_);
    return record;
}

std::vector<CertificateRecord> CertificateStore::revoked_by(std::string_view issuer_serial) const {
    const std::string key(issuer_serial);
    return db_.with_session([&](soci::session& s) {
        std::vector<CertificateRecord> out;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT " << columns
                       << " FROM certificates WHERE issuer_serial = :issuer AND status "
                          "<> 'good' ORDER BY revoked_at, serial",
             soci::use(key));
        for (const auto& row : rows) {
            out.push_back(from_row(row));
        }
        return out;
    });
}

bool CertificateStore::change_status(std::string_view serial,
                                     std::initializer_list<CertificateStatus> from,
                                     CertificateStatus status,
                                     std::optional<RevocationReason> reason,
                                     std::optional<Seconds> at) {
    const std::string key(serial);
    const std::string status_name(to_string(status));
    const int reason_value = reason ? static_cast<int>(*reason) : 0;
    soci::indicator reason_ind = reason ? soci::i_ok : soci::i_null;
    const long long at_value = at ? at->time_since_epoch().count() : 0;
    soci::indicator at_ind = at ? soci::i_ok : soci::i_null;
    std::string allowed;  // fixed enum names, never user input
    for (auto f : from) {
        allowed += (allowed.empty() ? "'" : ",'") + std::string(to_string(f)) + "'";
    }
    return db_.in_transaction([&](soci::session& s) {
        soci::statement st =
            (s.prepare << "UPDATE certificates SET status = :status, revocation_reason = :reason, "
                          "revoked_at = :at WHERE serial = :serial AND status IN ("
                       << allowed << ")",
             soci::use(status_name), soci::use(reason_value, reason_ind),
             soci::use(at_value, at_ind), soci::use(key));
        st.execute(true);
        return st.get_affected_rows() == 1;
    });
}

long CertificateStore::next_crl_number(std::string_view issuer_serial) {
    const std::string key(issuer_serial);
    return db_.with_session([&](soci::session& s) {
        long long last = 0;
        soci::indicator ind = soci::i_null;
        s << "SELECT MAX(number) FROM crls WHERE issuer_serial = :issuer", soci::use(key),
            soci::into(last, ind);
        return static_cast<long>(ind == soci::i_ok ? last + 1 : 1);
    });
}

void CertificateStore::record_crl(std::string_view issuer_serial, long number, Seconds this_update,
                                  const ossl::Bytes& der) {
    const std::string key(issuer_serial);
    const long long n = number;
    const long long at = this_update.time_since_epoch().count();
    const std::string der_b64 = encoding::to_base64(der.data(), der.size());
    db_.in_transaction([&](soci::session& s) {
        s << "INSERT INTO crls (issuer_serial, number, this_update, der) VALUES (:issuer, :number, "
             ":at, :der)",
            soci::use(key), soci::use(n), soci::use(at), soci::use(der_b64);
    });
}

std::optional<CertificateStore::PublishedCrl> CertificateStore::latest_crl(
    std::string_view issuer_serial) const {
    const std::string key(issuer_serial);
    return db_.with_session([&](soci::session& s) -> std::optional<PublishedCrl> {
        long long number = 0;
        long long at = 0;
        std::string der_b64;
        soci::indicator ind = soci::i_null;
        s << "SELECT number, this_update, der FROM crls WHERE issuer_serial = :issuer "
             "ORDER BY number DESC LIMIT 1",
            soci::use(key), soci::into(number, ind), soci::into(at), soci::into(der_b64);
        if (!s.got_data() || ind != soci::i_ok) {
            return std::nullopt;
        }
        const std::string der = encoding::from_base64(der_b64);
        return PublishedCrl{static_cast<long>(number), Seconds(std::chrono::seconds(at)),
                            ossl::Bytes(der.begin(), der.end())};
    });
}

std::vector<CertificateRecord> CertificateStore::list(CertificateRole role) const {
    const std::string key(to_string(role));
    return db_.with_session([&](soci::session& s) {
        std::vector<CertificateRecord> out;
        soci::rowset<soci::row> rows =
            (s.prepare << std::string("SELECT ") + columns +
                              " FROM certificates WHERE role = :role ORDER BY issued_at, serial",
             soci::use(key));
        for (const auto& row : rows) {
            out.push_back(from_row(row));
        }
        return out;
    });
}

namespace {
constexpr std::pair<RevocationReason, std::string_view> kReasonNames[] = {
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "keyCompromise"},
    {RevocationReason::ca_compromise, "cACompromise"},
    {RevocationReason::affiliation_changed, "affiliationChanged"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessationOfOperation"},
    {RevocationReason::certificate_hold, "certificateHold"},
    {RevocationReason::privilege_withdrawn, "privilegeWithdrawn"},
    {RevocationReason::aa_compromise, "aACompromise"},
};
}  // namespace

std::optional<RevocationReason> revocation_reason_from(std::string_view name) {
    for (const auto& [reason, text] : kReasonNames) {
        if (text == name) {
            return reason;
        }
    }
    return std::nullopt;
}

std::string_view to_string(RevocationReason reason) {
    for (const auto& [r, text] : kReasonNames) {
        if (r == reason) {
            return text;
        }
    }
    return "unspecified";
}

}  // namespace sigcard::pki
