// sigcard.toml: who the trust center is, where it is reached, where its keys are and which
// policy values it applies. Every policy value has a default and can be changed in the file.
#pragma once

#include <array>
#include <type_traits>
#include <utility>
#include <string_view>
#include <filesystem>
#include <string>
#include <vector>

namespace sigcard::config {

struct Urls {
    std::string portal;      // https://… the holders' portal
    std::string backoffice;  // https://… the back office (its own listener; the agent's allowlist)
    // Relying parties fetch revocation status and CA certificates over plain HTTP (RFC 6960
    // Appendix A, RFC 5280 4.2.1.13): the answers are signed, and an https:// URL would make
    // checking the responder's own TLS certificate depend on the answer being fetched.
    std::string ocsp;        // http://… OCSP responder (AIA)
    std::string crl;         // http://… the issuing CA's CRL distribution point
    std::string ca_issuers;  // http://… issuing CA certificate (AIA caIssuers)
    std::string root_crl;    // http://… the root CA's CRL (issuing CA and portal TLS certificates)
    std::string pds_en;      // PKI disclosure statement, English
    std::string pds_de;      // PKI disclosure statement, German
};

// The HSM that holds the CA keys (SoftHSM2 in the demo and the tests).
struct Hsm {
    std::string module;        // PKCS#11 module path
    std::string token_label;   // token found by label, never by slot id
    std::string softhsm_conf;  // SOFTHSM2_CONF to use, relative to the trust center dir or absolute
    std::string pin_env;       // name of the environment variable holding the user PIN
    std::string pin_file;      // or: a file (relative to the dir) holding it; demo only
};

// Where production writes new cards. Empty card_module: in the HSM's own store (one process);
// otherwise with this module and store, in a process of its own (the personalisation station;
// in the demo the store the holders' card agent reads).
struct Production {
    std::string card_module;
    std::string softhsm_conf;  // SOFTHSM2_CONF of the card store, relative to the dir or absolute
};

// [prices]: net prices per product in cents and the VAT rate; holders see gross prices.
struct Prices {
    long long follow_up_net_cents = 7900;
    long long new_order_net_cents = 9900;
    int vat_percent = 19;
    // The seller on the invoices: the trust center's postal address (lines separated by ", ") and
    // its VAT identification number.
    std::string seller_address;
    std::string seller_vat_id;
};

struct Policy {
    int renewal_window_days = 90;
    int max_identification_age_years = 10;
    int max_remote_renewals = 2;
    bool require_pin_pad = false;
    int revocation_max_age_seconds = 60;  // how old revocation status may be when an order is checked
    int nonce_max_age_minutes = 30;
    // Unsigned drafts one card may have at once: a certificate is public, so without a cap anyone
    // could fill the database with drafts in a holder's name.
    int max_open_drafts_per_card = 10;
    int certificate_validity_days = 1095;
    int max_request_bytes = 262144;
    // A produced card's certificate waits on hold this long for the holder's receipt (card or
    // activation code from the PIN letter); the code may be mistyped this often.
    int activation_days = 60;
    int activation_max_tries = 5;
    int activation_reminder_days = 14;  // the reminder mail, this long before the deadline
};

struct Portal {
    std::string listen_address = "127.0.0.1";
    int port = 8443;
    bool tls = true;
    std::string tls_certificate;  // relative to the dir
    std::string tls_key;
    // Holder certificates kept parsed and checked between eligibility, draft and submission
    // (about 8 KiB each): enough for the holders in the middle of an order at once.
    int remembered_certificates = 8192;
    // Where the pages' script reaches the holder's card agent: loopback only (docs/agent.md).
    std::string card_agent_url = "http://127.0.0.1:29561";
    // The operators' listener (plain HTTP, /metrics): never the holders' address and port.
    std::string operator_address = "127.0.0.1";
    int operator_port = 9464;
    // The relying parties' listener (plain HTTP): OCSP, CRLs and CA certificates only, at the
    // paths of the URLs above. The same paths keep answering over HTTPS for certificates
    // issued before these URLs were http://.
    std::string pki_address = "127.0.0.1";
    int pki_port = 8080;
    // The back office (HTTPS, the same TLS certificate): operators' pages, never the holders'
    // address and port.
    std::string backoffice_address = "127.0.0.1";
    int backoffice_port = 8444;
};

// [limits]: how often one client (an IPv4 address, an IPv6 /64) may do each thing that looks
// up a guessable key or makes the trust center store something, per minute and in a burst.
struct RateLimit {
    int per_minute;
    int burst;
    double per_second() const { return per_minute / 60.0; }
};
struct RateLimits {
    RateLimit eligibility{30, 30};   // a card's certificate checked (it is public)
    RateLimit status{30, 20};        // an order looked up by number and email
    RateLimit drafts{20, 20};        // an order document rendered and stored
    RateLimit submissions{20, 20};   // a signed order sent
    RateLimit new_sessions{30, 60};  // page sessions kept for one client
    int connections = 4096;            // open connections to the portal in all
    int connections_per_client = 64;   // and from one client
};

// [mail]: the SMTP server holders' mails go through; empty: no mails are sent.
struct Mail {
    std::string smtp_url;  // smtp://host:port or smtps://host:port
    std::string from = "SigCard <noreply@sigcard.example>";
    // Reminders this many days before a certificate expires, with the link to the follow-up order.
    std::vector<int> expiry_reminder_days = {90, 30, 7};
};

// A registration office where applicants are identified in person ([[registration_offices]]).
struct RegistrationOffice {
    std::string id;  // short, stable: what an application names
    std::string name;
    std::string address;
    std::string hours;
};

// [new_order]: the rules of the new order (application, identification deadline, proofs).
struct NewOrderPolicy {
    int min_id_validity_days = 28;       // the ID document must be valid at least this long
    int min_age_years = 18;
    int identification_valid_days = 30;  // deadline for the identification after applying
    int identification_reminder_days = 7;  // the reminder mail, this long before the deadline
    int max_proof_bytes = 5 * 1024 * 1024;  // one uploaded proof
    int max_application_bytes = 12 * 1024 * 1024;  // the whole form with its proofs
    // Deutsche Post's PostIdent billing number (Abrechnungsnummer) of the trust center, printed
    // on the coupon and returned with each result.
    std::string postident_billing_number = "99800000000101";
    // The key that encrypts uploaded proofs at rest (32 bytes, hex), relative to the folder.
    std::string data_key_file = "keys/data.key";
    // The fields of an ID copy the holder may have blacked out (R11); any other is refused.
    std::vector<std::string> id_copy_blackout_allowed{"eye_colour", "height", "can"};
};

// PostIdent results (R13): the portal's push and the limits of what an import reads.
struct PostIdentSettings {
    // The shared secret of the push (HMAC-SHA-256 over the body), hex; empty: no push accepted.
    std::string push_secret;
    int max_document_bytes = 1024 * 1024;  // one result document
    int max_archive_entries = 200000;      // documents in one ZIP
    int max_archive_megabytes = 2048;      // all documents of one ZIP, unpacked
    int max_compression_ratio = 200;       // unpacked : packed, per entry (a ZIP bomb is more)
};

// [retention.<class>]: how long each class of an order's records is kept. An order that ended
// without a card (rejected, cancelled, expired) loses the class `ended_days` after it ended; an
// order a card was made for, `finished_years` after that card's certificate expired (what the law
// makes a qualified trust center keep — the signed order, the identification — is kept that
// long). Each deletion is audited (core/retention).
struct RetentionPeriod {
    int ended_days;
    int finished_years;
};
struct Retention {
    RetentionPeriod entered_data{90, 1};       // contact, addresses, drafts, revocation password
    RetentionPeriod proofs{30, 10};            // uploaded proofs of certificate attributes
    RetentionPeriod postident_results{90, 10};  // the post office's results (unmatched: received)
    RetentionPeriod mails{90, 1};              // what the mail records hold of an address
    RetentionPeriod identification{90, 10};    // identification records and ID copies
    RetentionPeriod signed_order{1095, 10};    // the signed order document and its signature

    // The classes by their names in sigcard.toml.
    template <typename Self>
    static auto named(Self& r) {
        using Period = std::conditional_t<std::is_const_v<Self>, const RetentionPeriod, RetentionPeriod>;
        return std::array<std::pair<std::string_view, Period*>, 6>{
            {{"entered_data", &r.entered_data},
             {"proofs", &r.proofs},
             {"postident_results", &r.postident_results},
             {"mails", &r.mails},
             {"identification", &r.identification},
             {"signed_order", &r.signed_order}}};
    }
};

struct TrustCenterConfig {
    std::filesystem::path dir;  // the trust center's folder; relative paths resolve against it
    std::string name = "SigCard Demo Trust Center";
    std::string organization = "SigCard Demo";
    std::string country = "DE";
    std::string policy_oid = "1.3.6.1.4.1.99999.1.1";  // the trust center's own certificate policy
    // Linked in every page's footer (Impressum and Datenschutz, as German law wants them).
    std::string imprint_url;
    std::string privacy_url;
    std::string database_url;                          // sqlite:… or postgresql:…
    Urls urls;
    Hsm hsm;
    Production production;
    Prices prices;
    Mail mail;
    Policy policy;
    Portal portal;
    RateLimits limits;
    NewOrderPolicy new_order;
    PostIdentSettings postident;
    Retention retention;
    std::vector<RegistrationOffice> registration_offices;

    std::filesystem::path resolve(const std::string& relative) const;
    // database_url with a relative SQLite path resolved against the folder.
    std::string resolved_database_url() const;

    static TrustCenterConfig load(const std::filesystem::path& dir);
    // The text of a sigcard.toml for a trust center in `dir`; `source` names it in errors.
    // Throws std::runtime_error (TOML syntax) or sigcard::Error (a value the rules refuse).
    static TrustCenterConfig parse(std::string_view text, const std::filesystem::path& dir,
                                   const std::string& source = "sigcard.toml");
    std::string to_toml() const;
};

}  // namespace sigcard::config
