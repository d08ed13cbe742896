#include "portal/portal_app.hpp"

#include <csignal>

#include "authority/follow_up_production.hpp"

#include "authority/trust_center.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "pki/path_validation.hpp"
#include "portal/follow_up_api.hpp"
#include "portal/follow_up_api_errors.hpp"
#include "common/clock.hpp"
#include "common/periodic_task.hpp"
#include "portal/new_order_api.hpp"
#include "portal/postident_push.hpp"
#include "portal/backoffice/backoffice_pages.hpp"
#include "authority/id_copy_keys.hpp"
#include "http/http_client.hpp"
#include "http/http_server.hpp"
#include "http/stop_signals.hpp"
#include "portal/pages/holder_pages.hpp"
#include "portal/pki_publication.hpp"
#include "mail/order_mails.hpp"
#include "retention/retention.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>

namespace sigcard::portal {

namespace {

// Certificates whose AIA names another OCSP responder are checked there; ours come from the
// store. A client per call: HttpClient is not thread-safe and these calls are rare.
ossl::Bytes post_ocsp_request(const std::string& url, const ossl::Bytes& request) {
    http::ClientConfig client_config;
    client_config.timeout = std::chrono::seconds(5);
    http::HttpClient client(client_config);
    const auto response =
        client.post(url, std::string(request.begin(), request.end()), http::content_type::ocsp_request);
    if (response.status != 200) {
        throw std::runtime_error(fmt::format("OCSP responder answered {}", response.status));
    }
    return ossl::Bytes(response.body.begin(), response.body.end());
}

}  // namespace

int run_portal(int argc, char** argv) {
    CLI::App app{"SigCard portal: holders' pages and JSON API (HTTPS), OCSP, CRLs and CA "
                 "certificates (plain HTTP), metrics (operators' listener)"};
    std::filesystem::path dir;
    int port = -1;
    std::size_t threads = 2;
    app.add_option("--dir", dir, "Trust center folder")->required();
    app.add_option("--port", port, "Port (default: from sigcard.toml; 0 picks a free one)");
    app.add_option("--threads", threads, "Worker threads");
    int operator_port = -1;
    app.add_option("--operator-port", operator_port,
                   "Port of the operators' listener with /metrics (default: from sigcard.toml; 0 "
                   "picks a free one)");
    int pki_port = -1;
    int backoffice_port = -1;
    app.add_option("--backoffice-port", backoffice_port,
                   "Port of the back office's listener (default: from sigcard.toml; 0 picks a "
                   "free one)");
    app.add_option("--pki-port", pki_port,
                   "Port of the relying parties' plain-HTTP listener with OCSP, CRLs and CA "
                   "certificates (default: from sigcard.toml; 0 picks a free one)");
    CLI11_PARSE(app, argc, argv);

    const http::StopSignals stop_signals;  // before any server thread starts
    // A write past the file size limit (RLIMIT_FSIZE) fails with EFBIG, like a full disk, and the
    // order is refused with storage.unavailable — instead of SIGXFSZ ending the portal.
    ::signal(SIGXFSZ, SIG_IGN);

    try {
        authority::TrustCenter tc(dir);
        const auto& config = tc.config();
        http::Router router;
        PkiPublication pki(tc, std::chrono::minutes(5));
        pki.add_routes(router);  // certificates issued with https:// URLs
        http::Router pki_router;
        pki.add_routes(pki_router);
        pki_router.get("/healthz", [](const http::Request&) {
            return http::Response::json(nlohmann::json{{"status", "ok"}});
        });
        authority::TrustCenterOrders desk(tc, post_ocsp_request);
        FollowUpApi follow_up_api(desk.follow_up(), desk.book(), tc.database(), tc.certificates(),
                                  config);
        follow_up_api.add_routes(router);
        const auto data_key = new_order::DataKey::load_or_create(
            config.resolve(config.new_order.data_key_file));
        new_order::NewOrders new_orders({config, tc.database(), desk.book(), data_key});
        NewOrderApi new_order_api(new_orders, config);
        new_order_api.add_routes(router);
        identification::PostIdentResults postident_results({config, tc.database(), data_key});
        PostIdentPush postident_push(postident_results, config);
        postident_push.add_routes(router);
        pages::HolderPages holder_pages({config, desk.follow_up(), desk.book(), tc.database(),
                                         dir / "tls", new_orders, &desk});
        pages::add_page_routes(router, holder_pages);
        // The back office: its own listener, its own sessions (operators', in the database).
        pages::SessionStore backoffice_forms;
        const pages::PageSupport backoffice_support(config.name, backoffice_forms,
                                                    {config.imprint_url, config.privacy_url});
        const auto request_signer = pages::PortalRequestSigner::load_or_create(dir / "tls");
        authority::HsmKeyWrapper id_copy_keys(tc);
        identification::IdCopyPolicy id_copy_policy;
        id_copy_policy.blackout_allowed = config.new_order.id_copy_blackout_allowed;
        identification::InPersonIdentifications in_person(
            {config, tc.database(), id_copy_keys, id_copy_policy});
        backoffice::BackofficePages backoffice_pages({config, tc.database(), desk.book(),
                                                      postident_results, request_signer,
                                                      backoffice_support, in_person, data_key,
                                                      &desk});
        http::Router backoffice_router;
        backoffice_pages.add_routes(backoffice_router);
        backoffice_router.add_prefix("GET", "/static/", pages::static_asset);
        // Beside the back office: its server's figures and how much work waits in each queue.
        const http::HttpServer* backoffice_server_ref = nullptr;
        backoffice_router.get("/metrics", [&backoffice_server_ref, &tc](const http::Request&) {
            std::string text = backoffice_server_ref
                                   ? http::format_prometheus(backoffice_server_ref->metrics())
                                   : std::string();
            text += "# HELP sigcard_backoffice_queue_items Orders waiting in each work queue.\n"
                    "# TYPE sigcard_backoffice_queue_items gauge\n";
            for (const auto& count : sigcard::backoffice::WorkQueues(tc.database()).counts(unix_now())) {
                text += fmt::format("sigcard_backoffice_queue_items{{queue=\"{}\"}} {}\n",
                                    sigcard::backoffice::to_string(count.queue), count.items);
            }
            return http::Response::text(text);
        });
        router.get("/healthz", [](const http::Request&) {
            return http::Response::json(nlohmann::json{{"status", "ok"}});
        });

        http::ServerConfig server_config;
        server_config.address = config.portal.listen_address;
        server_config.port = static_cast<std::uint16_t>(port >= 0 ? port : config.portal.port);
        server_config.threads = threads;
        server_config.body_limit = static_cast<std::size_t>(config.policy.max_request_bytes);
        // An application with its proofs, in base64 inside JSON.
        const auto application_bytes = static_cast<std::size_t>(config.new_order.max_application_bytes);
        server_config.larger_bodies.emplace_back(std::string(kNewOrdersPath),
                                                 application_bytes / 3 * 4 + 64 * 1024);
        server_config.larger_bodies.emplace_back("/neuauftrag", application_bytes + 64 * 1024);
        server_config.max_connections = static_cast<std::size_t>(config.limits.connections);
        server_config.max_connections_per_client =
            static_cast<std::size_t>(config.limits.connections_per_client);
        set_follow_up_error_statuses(server_config.error_statuses);
        if (config.portal.tls) {
            server_config.tls = http::TlsFiles{config.resolve(config.portal.tls_certificate),
                                         config.resolve(config.portal.tls_key)};
        }
        http::HttpServer server(server_config, std::move(router));
        server.start();

        http::ServerConfig backoffice_config = server_config;
        backoffice_config.address = config.portal.backoffice_address;
        backoffice_config.port = static_cast<std::uint16_t>(
            backoffice_port >= 0 ? backoffice_port : config.portal.backoffice_port);
        backoffice_config.threads = 2;
        backoffice_config.larger_bodies.clear();
        // Two scans of the ID copy, as multipart/form-data.
        backoffice_config.larger_bodies.emplace_back(
            "/identifizierung/vor-ort",
            2 * identification::IdCopyPolicy{}.max_bytes + 64 * 1024);
        http::HttpServer backoffice_server(backoffice_config, std::move(backoffice_router));
        backoffice_server_ref = &backoffice_server;
        backoffice_server.start();

        // Relying parties: plain HTTP, only the signed PKI answers (config::Urls says why).
        http::ServerConfig pki_config;
        pki_config.address = config.portal.pki_address;
        pki_config.port =
            static_cast<std::uint16_t>(pki_port >= 0 ? pki_port : config.portal.pki_port);
        pki_config.threads = 1;
        pki_config.body_limit = server_config.body_limit;
        pki_config.max_connections = server_config.max_connections;
        pki_config.max_connections_per_client = server_config.max_connections_per_client;
        http::HttpServer pki_server(pki_config, std::move(pki_router));
        pki_server.start();

        // The holders' server's figures, on the operators' own listener only.
        http::Router operator_router;
        operator_router.get("/metrics", [&server](const http::Request&) {
            return http::Response::text(http::format_prometheus(server.metrics()));
        });
        http::ServerConfig operator_config;
        operator_config.address = config.portal.operator_address;
        operator_config.port = static_cast<std::uint16_t>(
            operator_port >= 0 ? operator_port : config.portal.operator_port);
        operator_config.threads = 1;
        http::HttpServer operators(operator_config, std::move(operator_router));
        operators.start();
        // New orders not identified by their deadline expire; any instance may do it (each order
        // moves once: the step is conditional on its state).
        const PeriodicTask deadlines("identification deadlines", std::chrono::minutes(1), [&] {
            for (const auto& number : new_orders.expire_overdue(unix_now())) {
                spdlog::info("order {} expired: not identified by its deadline", number);
            }
        });
        // Personal data whose retention period is over, by record class ([retention]), and ID
        // copies past their own period: each deletion once and audited, on any instance.
        retention::RecordKeeper record_keeper(tc.database(), config.retention);
        const PeriodicTask retention("retention", std::chrono::minutes(60), [&] {
            std::map<std::string, int> deleted;
            for (const auto& d : record_keeper.delete_due(unix_now())) {
                ++deleted[d.record_class];
            }
            for (const auto& [record_class, n] : deleted) {
                spdlog::info("retention: {} record(s) of class {} deleted", n, record_class);
            }
        });
        // Holders' mails, derived from the stored orders (any instance may send them).
        std::unique_ptr<mail::OrderMailer> mailer;
        std::unique_ptr<PeriodicTask> mail_sender;
        if (!config.mail.smtp_url.empty()) {
            mail::OrderMailSettings settings{config.name, config.urls.portal};
            settings.document_key = [&new_orders](const std::string& number) {
                return new_orders.document_secret(number);
            };
            settings.identification_reminder_days = config.new_order.identification_reminder_days;
            settings.seller_address = config.prices.seller_address;
            settings.seller_vat_id = config.prices.seller_vat_id;
            settings.expiry_reminder_days = config.mail.expiry_reminder_days;
            settings.activation_reminder_days = config.policy.activation_reminder_days;
            mailer = std::make_unique<mail::OrderMailer>(
                tc.database(), mail::SmtpTransport(config.mail.smtp_url, config.mail.from),
                std::move(settings));
            mail_sender =
                std::make_unique<PeriodicTask>("order mails", std::chrono::milliseconds(1000),
                                               [&mailer] { mailer->deliver_due(unix_now()); });
        }
        fmt::print("sigcard-portal operators' listener (metrics) on http://{}:{}/metrics\n",
                   config.portal.operator_address, operators.port());
        fmt::print("sigcard-portal OCSP, CRLs and CA certificates on http://{}:{}/\n",
                   config.portal.pki_address, pki_server.port());
        fmt::print("sigcard-portal back office on https://{}:{}/\n",
                   config.portal.backoffice_address, backoffice_server.port());
        fmt::print("sigcard-portal listening on {}://{}:{}/\n",
                   config.portal.tls ? "https" : "http", config.portal.listen_address,
                   server.port());
        std::fflush(stdout);
        const int signal = stop_signals.wait();
        spdlog::info("signal {} received, stopping", signal);
        operators.stop();
        pki_server.stop();
        backoffice_server.stop();
        server.stop();
    } catch (const Error& e) {
        fmt::print(stderr, "error [{}]: {}\nFehler: {}\n({})\n", e.id(), e.code().en, e.code().de,
                   e.detail());
        return 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace sigcard::portal
