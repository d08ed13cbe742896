#include "http/http_errors.hpp"

#include <nlohmann/json.hpp>

namespace sigcard::http {

namespace errors {
const ErrorCode internal{
    "internal", "Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.",
    "An error occurred on our side. Please try again later."};
const ErrorCode rate_limited{
    "rate_limited",
    "Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einige Minuten und versuchen Sie es dann "
    "erneut.",
    "Too many requests in a short time. Please wait a few minutes and try again."};
const ErrorCode bad_request{"http.bad_request", "Die Anfrage ist fehlerhaft.",
                            "The request is malformed."};
const ErrorCode not_found{"http.not_found", "Diese Seite gibt es nicht.",
                          "This page does not exist."};
const ErrorCode method_not_allowed{"http.method_not_allowed",
                                   "Diese Methode ist für diese Adresse nicht erlaubt.",
                                   "This method is not allowed for this address."};
const ErrorCode body_too_large{"http.body_too_large", "Die gesendeten Daten sind zu groß.",
                               "The data sent is too large."};
const ErrorCode headers_too_large{"http.headers_too_large",
                                  "Die Kopfzeilen der Anfrage sind zu groß.",
                                  "The request headers are too large."};
const ErrorCode unsupported_transfer{"http.unsupported_transfer",
                                     "Diese Übertragungsart wird nicht unterstützt.",
                                     "This kind of transfer is not supported."};
const ErrorCode client_invalid_url{"http_client.invalid_url", "Die Adresse ist ungültig.",
                                   "The address is invalid."};
const ErrorCode client_connect_failed{"http_client.connect_failed",
                                      "Der Server ist nicht erreichbar.",
                                      "The server cannot be reached."};
const ErrorCode client_tls_failed{"http_client.tls_failed",
                                  "Die sichere Verbindung zum Server ist fehlgeschlagen.",
                                  "The secure connection to the server failed."};
const ErrorCode client_timeout{"http_client.timeout",
                               "Der Server hat nicht rechtzeitig geantwortet.",
                               "The server did not answer in time."};
const ErrorCode client_response_too_large{"http_client.response_too_large",
                                          "Die Antwort des Servers ist zu groß.",
                                          "The server's answer is too large."};
const ErrorCode client_protocol_error{"http_client.protocol_error",
                                      "Die Antwort des Servers ist fehlerhaft.",
                                      "The server's answer is malformed."};
const ErrorCode server_tls_config_invalid{"portal.tls_config_invalid",
                                          "Zertifikat oder Schlüssel des Servers sind ungültig.",
                                          "The server's certificate or key is invalid."};
const ErrorCode server_port_in_use{"http.port_in_use",
                                   "Ein anderes Programm belegt diesen Port bereits.",
                                   "Another program already holds this port."};
const ErrorCode server_bind_failed{"portal.bind_failed",
                                   "Der Server kann die Adresse nicht belegen.",
                                   "The server cannot bind its address."};
}  // namespace errors

ErrorStatusTable::ErrorStatusTable() {
    set(std::string(errors::internal.id), 500);
    set(std::string(errors::rate_limited.id), 429);
    set(std::string(errors::bad_request.id), 400);
    set(std::string(errors::not_found.id), 404);
    set(std::string(errors::method_not_allowed.id), 405);
    set(std::string(errors::body_too_large.id), 413);
    set(std::string(errors::headers_too_large.id), 431);
    set(std::string(errors::unsupported_transfer.id), 417);
    // A server that fetched something for us failed: that's a bad gateway, not the holder's fault.
    set("http_client.", 502);
    set(std::string(errors::client_timeout.id), 504);
}

void ErrorStatusTable::set(std::string id_or_prefix, int status) {
    statuses_[std::move(id_or_prefix)] = status;
}

int ErrorStatusTable::status_for(std::string_view id) const {
    if (auto exact = statuses_.find(id); exact != statuses_.end()) {
        return exact->second;
    }
    // Walk the dotted prefixes from the longest: "a.b.c" tries "a.b." then "a.".
    for (auto dot = id.rfind('.'); dot != std::string_view::npos; dot = id.rfind('.', dot - 1)) {
        if (auto it = statuses_.find(id.substr(0, dot + 1)); it != statuses_.end()) {
            return it->second;
        }
        if (dot == 0) {
            break;
        }
    }
    return fallback_;
}

std::string error_body(const ErrorCode& code) {
    const nlohmann::json body = {
        {"error", {{"code", code.id}, {"message", {{"de", code.de}, {"en", code.en}}}}}};
    return body.dump();
}

}  // namespace sigcard::http
