// A mail handed to an SMTP server (libcurl): plain UTF-8 text, one recipient. The server is the
// trust center's relay in production and a local sink in the demo and the tests.
#pragma once

#include <string>
#include <vector>

namespace sigcard::mail {

struct MailAttachment {
    std::string filename;  // ASCII
    std::string content_type;
    std::string bytes;
};

struct MailMessage {
    std::string to;
    std::string subject;  // UTF-8; encoded for the header here
    std::string body;     // UTF-8 text, lines separated by \n
    std::vector<MailAttachment> attachments;  // sent as multipart/mixed, base64
};

class SmtpTransport {
public:
    // `url`: smtp://host:port (or smtps://). `from`: the sender address.
    SmtpTransport(std::string url, std::string from);

    // Throws std::runtime_error with libcurl's reason when the server does not take it.
    void send(const MailMessage& message) const;

    // The message as sent: headers and body with CRLF line ends (for tests and logs of size).
    std::string render(const MailMessage& message) const;

private:
    std::string url_;
    std::string from_;
};

}  // namespace sigcard::mail
