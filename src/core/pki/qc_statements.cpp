#include "pki/qc_statements.hpp"

#include "crypto/der.hpp"
#include "pki/pki_errors.hpp"

namespace sigcard::pki {

namespace {
using ossl::Bytes;

Bytes statement(const char* id, std::optional<Bytes> info = std::nullopt) {
    Bytes content = der::oid(id);
    if (info) {
        content.insert(content.end(), info->begin(), info->end());
    }
    return der::tlv(der::tag::sequence, content);
}

Bytes monetary_value(const MonetaryLimit& limit) {
    return der::sequence(
        {der::printable(limit.currency), der::integer(limit.amount), der::integer(limit.exponent)});
}

MonetaryLimit read_monetary_value(const der::Element& info) {
    der::Reader r(info.content);
    MonetaryLimit limit;
    der::Element currency = r.next();
    if (currency.tag != der::tag::printable_string) {
        throw Error(errors::malformed_profile, "numeric currency codes are not used here");
    }
    limit.currency = der::string_text(currency);
    limit.amount = der::integer_value(r.next(der::tag::integer));
    limit.exponent = der::integer_value(r.next(der::tag::integer));
    return limit;
}

void read_statement(const der::Element& seq, QcStatements& out) {
    der::Reader r(seq.content);
    const std::string id = der::oid_text(r.next(der::tag::oid));
    std::optional<der::Element> info;
    if (!r.at_end()) {
        info = r.next();
    }
    if (!r.at_end()) {
        throw Error(errors::malformed_profile, "extra data in QCStatement");
    }
    if (id == oid::qc_compliance) {
        out.compliance = true;
    } else if (id == oid::qc_sscd) {
        out.sscd = true;
    } else if (id == oid::qc_type && info && info->tag == der::tag::sequence) {
        for (der::Reader types(info->content); !types.at_end();) {
            out.types.push_back(der::oid_text(types.next(der::tag::oid)));
        }
    } else if (id == oid::qc_pds && info && info->tag == der::tag::sequence) {
        for (der::Reader locations(info->content); !locations.at_end();) {
            der::Reader loc(locations.next(der::tag::sequence).content);
            PdsLocation pds;
            pds.url = der::string_text(loc.next(der::tag::ia5_string));
            pds.language = der::string_text(loc.next(der::tag::printable_string));
            out.pds.push_back(std::move(pds));
        }
    } else if (id == oid::qcs_pkix_syntax_v2 && info && info->tag == der::tag::sequence) {
        der::Reader semantics(info->content);
        if (semantics.peek_is(der::tag::oid)) {
            out.semantics_identifier = der::oid_text(semantics.next());
        }
    } else if (id == oid::qc_limit_value && info && info->tag == der::tag::sequence) {
        out.limit_value = read_monetary_value(*info);
    } else {
        throw Error(errors::malformed_profile, "unsupported or malformed QCStatement " + id);
    }
}
}  // namespace

QcStatements qualified_esign_statements(std::string pds_en, std::string pds_de,
                                        std::optional<MonetaryLimit> limit) {
    QcStatements s;
    s.compliance = true;
    s.sscd = true;
    s.types = {oid::qc_type_esign};
    s.pds = {{std::move(pds_en), "en"}, {std::move(pds_de), "de"}};
    s.semantics_identifier = oid::semantics_natural_person;
    s.limit_value = std::move(limit);
    return s;
}

ossl::X509ExtensionPtr qc_statements_extension(const QcStatements& s) {
    Bytes content;
    auto add = [&content](const Bytes& st) { content.insert(content.end(), st.begin(), st.end()); };
    if (s.compliance) {
        add(statement(oid::qc_compliance));
    }
    if (s.semantics_identifier) {
        add(statement(oid::qcs_pkix_syntax_v2, der::sequence({der::oid(*s.semantics_identifier)})));
    }
    if (s.sscd) {
        add(statement(oid::qc_sscd));
    }
    if (!s.types.empty()) {
        Bytes types;
        for (const auto& t : s.types) {
            auto o = der::oid(t);
            types.insert(types.end(), o.begin(), o.end());
        }
        add(statement(oid::qc_type, der::tlv(der::tag::sequence, types)));
    }
    if (!s.pds.empty()) {
        Bytes locations;
        for (const auto& pds : s.pds) {
            auto loc = der::sequence({der::ia5(pds.url), der::printable(pds.language)});
            locations.insert(locations.end(), loc.begin(), loc.end());
        }
        add(statement(oid::qc_pds, der::tlv(der::tag::sequence, locations)));
    }
    if (s.limit_value) {
        add(statement(oid::qc_limit_value, monetary_value(*s.limit_value)));
    }
    return der_extension(oid::qc_statements, der::tlv(der::tag::sequence, content));
}

std::optional<QcStatements> read_qc_statements(const X509* cert) {
    auto content = extension_der(cert, oid::qc_statements);
    if (!content) {
        return std::nullopt;
    }
    try {
        QcStatements out;
        for (der::Reader r(der::single(*content, der::tag::sequence).content); !r.at_end();) {
            read_statement(r.next(der::tag::sequence), out);
        }
        return out;
    } catch (const Error& e) {
        throw Error(errors::malformed_profile, "qcStatements: " + e.detail());
    }
}

ossl::X509ExtensionPtr der_extension(const char* oid_text, const Bytes& content, bool critical) {
    ossl::Asn1ObjectPtr obj(OBJ_txt2obj(oid_text, 1));
    ossl::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    if (!obj || !value ||
        ASN1_OCTET_STRING_set(value.get(), content.data(), static_cast<int>(content.size())) != 1) {
        throw std::runtime_error("extension " + std::string(oid_text) + ": " + ossl::last_error());
    }
    ossl::X509ExtensionPtr ext(
        X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), critical ? 1 : 0, value.get()));
    if (!ext) {
        throw std::runtime_error("extension " + std::string(oid_text) + ": " + ossl::last_error());
    }
    return ext;
}

std::optional<Bytes> extension_der(const X509* cert, const char* oid_text) {
    ossl::Asn1ObjectPtr obj(OBJ_txt2obj(oid_text, 1));
    const int index = X509_get_ext_by_OBJ(cert, obj.get(), -1);
    if (index < 0) {
        return std::nullopt;
    }
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
    return Bytes(data->data, data->data + data->length);
}

}  // namespace sigcard::pki
