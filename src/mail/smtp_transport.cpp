#include "mail/smtp_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <stdexcept>

#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "storage/database.hpp"

namespace sigcard::mail {

namespace {

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Upload {
    std::string data;
    std::size_t sent = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, upload->data.size() - upload->sent);
    std::memcpy(buffer, upload->data.data() + upload->sent, n);
    upload->sent += n;
    return n;
}

// RFC 2047: a header value with non-ASCII characters as one base64 encoded word.
std::string encoded_word(const std::string& text) {
    for (unsigned char c : text) {
        if (c >= 0x80) {
            return "=?UTF-8?B?" + encoding::to_base64(text) + "?=";
        }
    }
    return text;
}

std::string rfc5322_date() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buffer;
}

// Only the address inside "Name <address>".
std::string bare_address(const std::string& from) {
    const auto open = from.find('<');
    const auto close = from.find('>', open);
    return open == std::string::npos || close == std::string::npos
               ? from
               : from.substr(open + 1, close - open - 1);
}

}  // namespace

SmtpTransport::SmtpTransport(std::string url, std::string from)
    : url_(std::move(url)), from_(std::move(from)) {}

std::string SmtpTransport::render(const MailMessage& message) const {
    const auto domain = bare_address(from_).substr(bare_address(from_).find('@') + 1);
    const auto boundary = "sigcard-" + encoding::hex(ossl::random_bytes(12));
    std::string out = fmt::format(
        "Date: {}\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\nMessage-ID: <{}@{}>\r\n"
        "MIME-Version: 1.0\r\n",
        rfc5322_date(), from_, message.to, encoded_word(message.subject),
        encoding::hex(ossl::random_bytes(12)), domain);
    if (!message.attachments.empty()) {
        out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n--" +
               boundary + "\r\n";
    }
    out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    for (std::size_t i = 0; i < message.body.size(); ++i) {
        if (message.body[i] == '\n') {
            out += "\r\n";
        } else {
            out += message.body[i];
        }
    }
    out += "\r\n";
    for (const auto& attachment : message.attachments) {
        out += fmt::format(
            "--{}\r\nContent-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment; "
            "filename=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            boundary, attachment.content_type, attachment.filename, attachment.filename);
        const auto encoded = encoding::to_base64(attachment.bytes);
        for (std::size_t i = 0; i < encoded.size(); i += 76) {
            out += encoded.substr(i, 76) + "\r\n";
        }
    }
    if (!message.attachments.empty()) {
        out += "--" + boundary + "--\r\n";
    }
    return out;
}

void SmtpTransport::send(const MailMessage& message) const {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        throw std::runtime_error("curl_easy_init failed");
    }
    Upload upload{render(message)};
    std::unique_ptr<curl_slist, SlistDeleter> recipients(
        curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
    const auto from = "<" + bare_address(from_) + ">";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl.get(), CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
    // A relay on the net must speak TLS; the local sink of the demo does not.
    curl_easy_setopt(curl.get(), CURLOPT_USE_SSL,
                     url_.starts_with("smtp://127.0.0.1") || url_.starts_with("smtp://localhost")
                         ? CURLUSESSL_NONE
                         : CURLUSESSL_ALL);
    const CURLcode result = curl_easy_perform(curl.get());
    if (result != CURLE_OK) {
        throw std::runtime_error(fmt::format("SMTP {}: {}", url_, curl_easy_strerror(result)));
    }
}

}  // namespace sigcard::mail
