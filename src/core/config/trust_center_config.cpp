#include "config/trust_center_config.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sigcard::config {

namespace {

template <typename T>
void read(const toml::table& table, std::string_view section, std::string_view key, T& target) {
    if (auto value = table[section][key].value<T>()) {
        target = *value;
    }
}

template <typename T>
void read(const toml::table& table, std::string_view key, T& target) {
    if (auto value = table[key].value<T>()) {
        target = *value;
    }
}

}  // namespace

std::filesystem::path TrustCenterConfig::resolve(const std::string& relative) const {
    std::filesystem::path p(relative);
    return p.is_absolute() ? p : dir / p;
}

TrustCenterConfig TrustCenterConfig::load(const std::filesystem::path& dir) {
    const auto file = dir / "sigcard.toml";
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), dir, file.string());
}

TrustCenterConfig TrustCenterConfig::parse(std::string_view text, const std::filesystem::path& dir,
                                           const std::string& source) {
    toml::table table;
    try {
        table = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw std::runtime_error("cannot read " + source + ": " + std::string(e.description()));
    }
    TrustCenterConfig c;
    c.dir = std::filesystem::absolute(dir);
    read(table, "trust_center", "name", c.name);
    read(table, "trust_center", "organization", c.organization);
    read(table, "trust_center", "country", c.country);
    read(table, "trust_center", "policy_oid", c.policy_oid);
    read(table, "trust_center", "imprint_url", c.imprint_url);
    read(table, "trust_center", "privacy_url", c.privacy_url);
    read(table, "database", "url", c.database_url);
    read(table, "urls", "portal", c.urls.portal);
    read(table, "urls", "backoffice", c.urls.backoffice);
    read(table, "urls", "ocsp", c.urls.ocsp);
    read(table, "urls", "crl", c.urls.crl);
    read(table, "urls", "ca_issuers", c.urls.ca_issuers);
    read(table, "urls", "root_crl", c.urls.root_crl);
    read(table, "urls", "pds_en", c.urls.pds_en);
    read(table, "urls", "pds_de", c.urls.pds_de);
    read(table, "hsm", "module", c.hsm.module);
    read(table, "hsm", "token_label", c.hsm.token_label);
    read(table, "hsm", "softhsm_conf", c.hsm.softhsm_conf);
    read(table, "hsm", "pin_env", c.hsm.pin_env);
    read(table, "hsm", "pin_file", c.hsm.pin_file);
    read(table, "prices", "follow_up_net_cents", c.prices.follow_up_net_cents);
    read(table, "prices", "new_order_net_cents", c.prices.new_order_net_cents);
    read(table, "prices", "vat_percent", c.prices.vat_percent);
    read(table, "prices", "seller_address", c.prices.seller_address);
    read(table, "prices", "seller_vat_id", c.prices.seller_vat_id);
    if (c.prices.follow_up_net_cents < 0 || c.prices.new_order_net_cents < 0 ||
        c.prices.vat_percent < 0 || c.prices.vat_percent > 100) {
        throw std::runtime_error(source + ": [prices] must not be negative");
    }
    read(table, "mail", "smtp_url", c.mail.smtp_url);
    read(table, "mail", "from", c.mail.from);
    if (const auto* days = table["mail"]["expiry_reminder_days"].as_array()) {
        c.mail.expiry_reminder_days.clear();
        for (const auto& day : *days) {
            const auto* value = day.as_integer();
            if (value == nullptr || value->get() < 1 || value->get() > 366) {
                throw std::runtime_error(source +
                                         ": [mail] expiry_reminder_days: whole days from 1 to 366");
            }
            c.mail.expiry_reminder_days.push_back(static_cast<int>(value->get()));
        }
    }
    read(table, "production", "card_module", c.production.card_module);
    read(table, "production", "softhsm_conf", c.production.softhsm_conf);
    auto& p = c.policy;
    read(table, "policy", "renewal_window_days", p.renewal_window_days);
    read(table, "policy", "max_identification_age_years", p.max_identification_age_years);
    read(table, "policy", "max_remote_renewals", p.max_remote_renewals);
    read(table, "policy", "require_pin_pad", p.require_pin_pad);
    read(table, "policy", "revocation_max_age_seconds", p.revocation_max_age_seconds);
    read(table, "policy", "nonce_max_age_minutes", p.nonce_max_age_minutes);
    read(table, "policy", "max_open_drafts_per_card", p.max_open_drafts_per_card);
    read(table, "policy", "certificate_validity_days", p.certificate_validity_days);
    read(table, "policy", "activation_days", p.activation_days);
    read(table, "policy", "activation_max_tries", p.activation_max_tries);
    read(table, "policy", "activation_reminder_days", p.activation_reminder_days);
    read(table, "policy", "max_request_bytes", p.max_request_bytes);
    for (auto& [name, limit] :
         {std::pair<std::string_view, RateLimit*>{"eligibility", &c.limits.eligibility},
          {"status", &c.limits.status},
          {"drafts", &c.limits.drafts},
          {"submissions", &c.limits.submissions},
          {"new_sessions", &c.limits.new_sessions}}) {
        read(table, "limits", std::string(name) + "_per_minute", limit->per_minute);
        read(table, "limits", std::string(name) + "_burst", limit->burst);
        if (limit->per_minute < 1 || limit->burst < 1) {
            throw std::runtime_error("sigcard.toml [limits] " + std::string(name) +
                                     ": per minute and burst must be at least 1");
        }
    }
    read(table, "limits", "connections", c.limits.connections);
    read(table, "limits", "connections_per_client", c.limits.connections_per_client);
    if (c.limits.connections < 1 || c.limits.connections_per_client < 1) {
        throw std::runtime_error("sigcard.toml [limits] connections: at least 1");
    }
    read(table, "portal", "listen_address", c.portal.listen_address);
    read(table, "portal", "port", c.portal.port);
    read(table, "portal", "tls", c.portal.tls);
    read(table, "portal", "tls_certificate", c.portal.tls_certificate);
    read(table, "portal", "tls_key", c.portal.tls_key);
    read(table, "portal", "remembered_certificates", c.portal.remembered_certificates);
    read(table, "portal", "card_agent_url", c.portal.card_agent_url);
    read(table, "portal", "operator_address", c.portal.operator_address);
    read(table, "portal", "operator_port", c.portal.operator_port);
    read(table, "portal", "pki_address", c.portal.pki_address);
    read(table, "portal", "pki_port", c.portal.pki_port);
    read(table, "portal", "backoffice_address", c.portal.backoffice_address);
    read(table, "portal", "backoffice_port", c.portal.backoffice_port);
    const auto& agent = c.portal.card_agent_url;
    const bool loopback = agent.starts_with("http://127.0.0.1:") || agent.starts_with("http://localhost:");
    if (!loopback || agent.find_first_of("/?#", 7) != std::string::npos ||
        agent.find_first_not_of("0123456789", agent.rfind(':') + 1) != std::string::npos ||
        agent.size() == agent.rfind(':') + 1) {
        throw std::runtime_error(source +
                                 ": portal.card_agent_url must be http://127.0.0.1:PORT or "
                                 "http://localhost:PORT");
    }
    auto& n = c.new_order;
    read(table, "new_order", "min_id_validity_days", n.min_id_validity_days);
    read(table, "new_order", "min_age_years", n.min_age_years);
    read(table, "new_order", "identification_valid_days", n.identification_valid_days);
    read(table, "new_order", "identification_reminder_days", n.identification_reminder_days);
    read(table, "new_order", "max_proof_bytes", n.max_proof_bytes);
    read(table, "new_order", "max_application_bytes", n.max_application_bytes);
    read(table, "new_order", "postident_billing_number", n.postident_billing_number);
    read(table, "new_order", "data_key_file", n.data_key_file);
    for (auto& [name, period] : Retention::named(c.retention)) {
        if (const auto* retention = table["retention"].as_table()) {
            read(*retention, name, "ended_days", period->ended_days);
            read(*retention, name, "finished_years", period->finished_years);
        }
        if (period->ended_days < 0 || period->finished_years < 0) {
            throw std::runtime_error(source + ": [retention." + std::string(name) +
                                     "] periods cannot be negative");
        }
    }
    if (const auto* fields = table["new_order"]["id_copy_blackout_allowed"].as_array()) {
        n.id_copy_blackout_allowed.clear();
        for (const auto& field : *fields) {
            const auto* name = field.as_string();
            if (name == nullptr || (name->get() != "eye_colour" && name->get() != "height" &&
                                    name->get() != "can")) {
                throw std::runtime_error(
                    source +
                    ": [new_order] id_copy_blackout_allowed: only eye_colour, height, can");
            }
            n.id_copy_blackout_allowed.push_back(name->get());
        }
    }
    auto& pi = c.postident;
    read(table, "postident", "push_secret", pi.push_secret);
    read(table, "postident", "max_document_bytes", pi.max_document_bytes);
    read(table, "postident", "max_archive_entries", pi.max_archive_entries);
    read(table, "postident", "max_archive_megabytes", pi.max_archive_megabytes);
    read(table, "postident", "max_compression_ratio", pi.max_compression_ratio);
    if (pi.max_document_bytes < 1 || pi.max_archive_entries < 1 || pi.max_archive_megabytes < 1 ||
        pi.max_compression_ratio < 1 ||
        (!pi.push_secret.empty() &&
         (pi.push_secret.size() < 32 ||
          pi.push_secret.find_first_not_of("0123456789abcdef") != std::string::npos))) {
        throw std::runtime_error(source +
                                 ": [postident] values out of range (push_secret: at least 32 "
                                 "lower-case hex digits)");
    }
    if (n.min_id_validity_days < 0 || n.min_age_years < 0 || n.identification_valid_days < 1 ||
        n.identification_reminder_days < 0 || n.max_proof_bytes < 1 ||
        n.max_application_bytes < n.max_proof_bytes) {
        throw std::runtime_error(source + ": [new_order] values out of range");
    }
    if (const auto* offices = table["registration_offices"].as_array()) {
        for (const auto& entry : *offices) {
            const auto* office = entry.as_table();
            if (office == nullptr) {
                continue;
            }
            RegistrationOffice o;
            read(*office, "id", o.id);
            read(*office, "name", o.name);
            read(*office, "address", o.address);
            read(*office, "hours", o.hours);
            if (o.id.empty() || o.name.empty()) {
                throw std::runtime_error(source +
                                         ": every [[registration_offices]] needs id and name");
            }
            c.registration_offices.push_back(std::move(o));
        }
    }
    if (c.portal.remembered_certificates < 1) {
        throw std::runtime_error(source + ": portal.remembered_certificates must be at least 1");
    }
    return c;
}

std::string TrustCenterConfig::resolved_database_url() const {
    const std::string prefix = "sqlite:";
    if (database_url.rfind(prefix, 0) == 0) {
        return prefix + resolve(database_url.substr(prefix.size())).string();
    }
    return database_url;
}

std::string TrustCenterConfig::to_toml() const {
    toml::table t{
        {"trust_center", toml::table{{"name", name},
                                     {"organization", organization},
                                     {"country", country},
                                     {"policy_oid", policy_oid},
                                     {"imprint_url", imprint_url},
                                     {"privacy_url", privacy_url}}},
        {"database", toml::table{{"url", database_url}}},
        {"urls", toml::table{{"portal", urls.portal},
                             {"backoffice", urls.backoffice},
                             {"ocsp", urls.ocsp},
                             {"crl", urls.crl},
                             {"ca_issuers", urls.ca_issuers},
                             {"root_crl", urls.root_crl},
                             {"pds_en", urls.pds_en},
                             {"pds_de", urls.pds_de}}},
        {"hsm", toml::table{{"module", hsm.module},
                            {"token_label", hsm.token_label},
                            {"softhsm_conf", hsm.softhsm_conf},
                            {"pin_env", hsm.pin_env},
                            {"pin_file", hsm.pin_file}}},
        {"prices", toml::table{{"follow_up_net_cents", prices.follow_up_net_cents},
                               {"new_order_net_cents", prices.new_order_net_cents},
                               {"vat_percent", prices.vat_percent},
                               {"seller_address", prices.seller_address},
                               {"seller_vat_id", prices.seller_vat_id}}},
        {"mail", toml::table{{"smtp_url", mail.smtp_url},
                             {"from", mail.from},
                             {"expiry_reminder_days", [&] {
                                  toml::array days;
                                  for (const auto d : mail.expiry_reminder_days) {
                                      days.push_back(d);
                                  }
                                  return days;
                              }()}}},
        {"production", toml::table{{"card_module", production.card_module},
                                   {"softhsm_conf", production.softhsm_conf}}},
        {"policy", toml::table{{"renewal_window_days", policy.renewal_window_days},
                               {"max_identification_age_years",
                                policy.max_identification_age_years},
                               {"max_remote_renewals", policy.max_remote_renewals},
                               {"require_pin_pad", policy.require_pin_pad},
                               {"revocation_max_age_seconds", policy.revocation_max_age_seconds},
                               {"nonce_max_age_minutes", policy.nonce_max_age_minutes},
                               {"max_open_drafts_per_card", policy.max_open_drafts_per_card},
                               {"certificate_validity_days", policy.certificate_validity_days},
                               {"activation_days", policy.activation_days},
                               {"activation_max_tries", policy.activation_max_tries},
                               {"activation_reminder_days", policy.activation_reminder_days},
                               {"max_request_bytes", policy.max_request_bytes}}},
        {"limits",
         toml::table{{"eligibility_per_minute", limits.eligibility.per_minute},
                     {"eligibility_burst", limits.eligibility.burst},
                     {"status_per_minute", limits.status.per_minute},
                     {"status_burst", limits.status.burst},
                     {"drafts_per_minute", limits.drafts.per_minute},
                     {"drafts_burst", limits.drafts.burst},
                     {"submissions_per_minute", limits.submissions.per_minute},
                     {"submissions_burst", limits.submissions.burst},
                     {"new_sessions_per_minute", limits.new_sessions.per_minute},
                     {"new_sessions_burst", limits.new_sessions.burst},
                     {"connections", limits.connections},
                     {"connections_per_client", limits.connections_per_client}}},
        {"portal", toml::table{{"listen_address", portal.listen_address},
                               {"port", portal.port},
                               {"tls", portal.tls},
                               {"tls_certificate", portal.tls_certificate},
                               {"tls_key", portal.tls_key},
                               {"remembered_certificates", portal.remembered_certificates},
                               {"card_agent_url", portal.card_agent_url},
                               {"operator_address", portal.operator_address},
                               {"operator_port", portal.operator_port},
                               {"pki_address", portal.pki_address},
                               {"pki_port", portal.pki_port},
                               {"backoffice_address", portal.backoffice_address},
                               {"backoffice_port", portal.backoffice_port}}},
    };
    t.insert("new_order",
             toml::table{{"min_id_validity_days", new_order.min_id_validity_days},
                         {"min_age_years", new_order.min_age_years},
                         {"identification_valid_days", new_order.identification_valid_days},
                         {"identification_reminder_days", new_order.identification_reminder_days},
                         {"max_proof_bytes", new_order.max_proof_bytes},
                         {"max_application_bytes", new_order.max_application_bytes},
                         {"postident_billing_number", new_order.postident_billing_number},
                         {"data_key_file", new_order.data_key_file},
                         {"id_copy_blackout_allowed", [&] {
                              toml::array fields;
                              for (const auto& f : new_order.id_copy_blackout_allowed) {
                                  fields.push_back(f);
                              }
                              return fields;
                          }()}});
    toml::table retention_table;
    for (const auto& [name, period] : Retention::named(retention)) {
        retention_table.insert(name, toml::table{{"ended_days", period->ended_days},
                                                 {"finished_years", period->finished_years}});
    }
    t.insert("retention", std::move(retention_table));
    toml::array offices;
    t.insert("postident",
             toml::table{{"push_secret", postident.push_secret},
                         {"max_document_bytes", postident.max_document_bytes},
                         {"max_archive_entries", postident.max_archive_entries},
                         {"max_archive_megabytes", postident.max_archive_megabytes},
                         {"max_compression_ratio", postident.max_compression_ratio}});
    for (const auto& o : registration_offices) {
        offices.push_back(toml::table{
            {"id", o.id}, {"name", o.name}, {"address", o.address}, {"hours", o.hours}});
    }
    t.insert("registration_offices", std::move(offices));
    std::ostringstream out;
    out << "# SigCard trust center configuration. Relative paths resolve against this folder.\n";
    out << t << "\n";
    return out.str();
}

}  // namespace sigcard::config
