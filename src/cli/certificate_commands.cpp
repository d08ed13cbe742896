// sigcard cert list|show|revoke|hold|release and sigcard crl: the operator's view of what the
// CA issued, and revocation. Every change publishes a fresh CRL at once.
#include "authority/trust_center.hpp"
#include "common/clock.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "pki/pki_errors.hpp"
#include "pki/revocation.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>

namespace sigcard::cli {

namespace {

struct SerialOptions {
    std::filesystem::path dir;
    std::string serial;
    std::string reason = "unspecified";
};

void publish_fresh_crl(authority::TrustCenter& tc) {
    const auto t = now();
    auto crl = pki::publish_crl(tc.certificates(), tc.issuing_ca(), t, t + std::chrono::hours(24));
    fmt::print("Published a new CRL.\n");
}

std::string status_text(const pki::CertificateRecord& r) {
    std::string text(pki::to_string(r.status));
    if (r.reason) {
        text += fmt::format(" ({})", pki::to_string(*r.reason));
    }
    return text;
}

CLI::App* serial_command(CLI::App& parent, const char* name, const char* help,
                         std::shared_ptr<SerialOptions> o) {
    auto* cmd = parent.add_subcommand(name, help);
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("serial", o->serial, "Certificate serial (hex)")->required();
    return cmd;
}

}  // namespace

void add_certificate_commands(CLI::App& app) {
    auto* cert = app.add_subcommand("cert", "Certificates the trust center issued, and revocation");
    cert->require_subcommand(1);

    auto list_dir = std::make_shared<std::filesystem::path>();
    auto* list = cert->add_subcommand("list", "List holders' certificates");
    list->add_option("--dir", *list_dir, "Trust center folder")->required();
    list->callback([list_dir] {
        authority::TrustCenter tc(*list_dir);
        for (const auto& r : tc.certificates().list(pki::CertificateRole::holder)) {
            fmt::print("{:<34} {:<10} {:<28} {}\n", r.serial,
                       format_date(r.not_after.time_since_epoch().count()), status_text(r),
                       r.subject);
        }
    });

    auto show = std::make_shared<SerialOptions>();
    serial_command(*cert, "show", "Show one certificate as PEM with its status", show)
        ->callback([show] {
            authority::TrustCenter tc(show->dir);
            auto record = tc.certificates().find(show->serial);
            if (!record) {
                throw Error(pki::errors::unknown_certificate, show->serial);
            }
            fmt::print("serial:  {}\nsubject: {}\nrole:    {}\nvalid:   {} … {}\nstatus:  {}\n",
                       record->serial, record->subject, pki::to_string(record->role),
                       format_date(record->not_before.time_since_epoch().count()),
                       format_date(record->not_after.time_since_epoch().count()),
                       status_text(*record));
            fmt::print("{}", ossl::to_pem(ossl::x509_from_der(record->der).get()));
        });

    auto revoke = std::make_shared<SerialOptions>();
    auto* revoke_cmd = serial_command(*cert, "revoke", "Revoke a certificate for good", revoke);
    revoke_cmd->add_option("--reason", revoke->reason,
                           "RFC 5280 reason: keyCompromise, superseded, cessationOfOperation, "
                           "affiliationChanged, privilegeWithdrawn, unspecified …");
    revoke_cmd->callback([revoke] {
        const auto reason = pki::revocation_reason_from(revoke->reason);
        if (!reason || *reason == pki::RevocationReason::certificate_hold) {
            throw CLI::ValidationError("--reason", "not a revocation reason: " + revoke->reason +
                                                       " (use 'cert hold' for certificateHold)");
        }
        authority::TrustCenter tc(revoke->dir);
        pki::revoke(tc.certificates(), revoke->serial, *reason, now());
        fmt::print("Revoked {} ({}).\n", revoke->serial, revoke->reason);
        publish_fresh_crl(tc);
    });

    auto hold = std::make_shared<SerialOptions>();
    serial_command(*cert, "hold", "Suspend a certificate (certificateHold)", hold)
        ->callback([hold] {
            authority::TrustCenter tc(hold->dir);
            pki::place_on_hold(tc.certificates(), hold->serial, now());
            fmt::print("{} is on hold.\n", hold->serial);
            publish_fresh_crl(tc);
        });

    auto release = std::make_shared<SerialOptions>();
    serial_command(*cert, "release", "Release a certificate from hold", release)
        ->callback([release] {
            authority::TrustCenter tc(release->dir);
            pki::release_hold(tc.certificates(), release->serial);
            fmt::print("{} is released from hold.\n", release->serial);
            publish_fresh_crl(tc);
        });

    struct CrlOptions {
        std::filesystem::path dir;
        std::filesystem::path out;
    };
    auto crl_options = std::make_shared<CrlOptions>();
    auto* crl = app.add_subcommand("crl", "Publish a fresh CRL of the qualified CA");
    crl->add_option("--dir", crl_options->dir, "Trust center folder")->required();
    crl->add_option("--out", crl_options->out,
                    "Write it DER-encoded to this file (default: PEM to stdout)");
    crl->callback([crl_options] {
        authority::TrustCenter tc(crl_options->dir);
        const auto t = now();
        auto published =
            pki::publish_crl(tc.certificates(), tc.issuing_ca(), t, t + std::chrono::hours(24));
        if (crl_options->out.empty()) {
            fmt::print("{}", ossl::to_pem(published.get()));
        } else {
            const auto der = ossl::to_der(published.get());
            std::ofstream(crl_options->out, std::ios::binary)
                .write(reinterpret_cast<const char*>(der.data()),
                       static_cast<std::streamsize>(der.size()));
        }
    });
}

}  // namespace sigcard::cli
