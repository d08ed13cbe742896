#include "agent/confirmation_page.hpp"

#include <kainjow/mustache.hpp>

#include <string>

#include "agent/agent_errors.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"

namespace sigcard::agent {

namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

// Inline so the page needs nothing else from the agent; allowed by its hash in the CSP.
const std::string style = R"(
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
body{margin:0 auto;max-width:52rem;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}
.en{color:#555;font-size:.95em}
@media (prefers-color-scheme:dark){.en{color:#bbb}}
.origin{font-size:1.4rem;font-weight:bold;word-break:break-all;padding:.5rem .75rem;
border:3px solid #b00;border-radius:.4rem;margin:.5rem 0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #888;border-radius:.4rem;
padding:.75rem;font-size:.95rem}
.alert{border-left:.4rem solid #b00;padding:.5rem .75rem;margin:1rem 0;background:#fee;color:#300}
.ok{border-left:.4rem solid #070;padding:.5rem .75rem;margin:1rem 0;background:#efe;color:#030}
label{display:block;font-weight:bold;margin-top:1rem}
input[type=password]{font-size:1.3rem;padding:.4rem;width:12rem;max-width:100%}
.actions{display:flex;flex-wrap:wrap;gap:1rem;margin-top:1.25rem}
button{font-size:1.1rem;padding:.6rem 1.4rem;border-radius:.4rem;cursor:pointer}
button.sign{background:#064;color:#fff;border:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:bold}dd{margin:0;word-break:break-all}
)";

// Each signing attempt opens a new window (Cross-Origin-Opener-Policy keeps the portal from
// reusing one): a page whose request a newer one of the same portal superseded closes itself —
// or, where the browser does not let it, says that it no longer counts.
const std::string script = R"(
(function () {
  var id = document.documentElement.getAttribute("data-request");
  if (!id) { return; }
  function check() {
    fetch("/confirm/" + id + "/state", { cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state && state.superseded) {
          document.getElementById("superseded").hidden = false;
          window.close();
        }
      }, function () {});
  }
  setInterval(check, 1500);
  document.addEventListener("visibilitychange", check);
})();
)";

std::string hash_of(const std::string& text) {
    const auto digest = ossl::sha256(ossl::as_bytes(text));
    return encoding::to_base64(digest.data(), digest.size());
}

std::string style_hash() {
    return hash_of(style);
}

const std::string page_template = R"(<!DOCTYPE html>
<html lang="de" data-request="{{id}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SigCard – Signatur bestätigen / Confirm signature</title>
<link rel="icon" href="data:,">
<style>{{{style}}}</style>
<script>{{{script}}}</script>
</head>
<body>
<main>
<h1>SigCard-Kartenagent <span class="en" lang="en">/ SigCard card agent</span></h1>
<div class="alert" role="alert" id="superseded" hidden><p>Eine neuere Signaturanfrage ist in
einem anderen Fenster geöffnet; dieses Fenster gilt nicht mehr. Sie können es schließen.</p>
<p class="en" lang="en">A newer signature request is open in another window; this window no
longer counts. You can close it.</p></div>
{{#pending}}
<p>Diese Webseite möchte, dass Sie mit Ihrer Signaturkarte eine qualifizierte elektronische
Signatur erstellen: <span class="en" lang="en">This web site asks you to create a qualified
electronic signature with your signature card:</span></p>
<p class="origin" id="origin">{{origin}}</p>
<p>Signieren Sie nur, wenn Sie diese Adresse kennen und den folgenden Text unterschreiben wollen.
Ihre Signatur hat die Wirkung Ihrer eigenhändigen Unterschrift.
<span class="en" lang="en">Only sign if you know this address and want to sign the text below.
Your signature has the effect of your handwritten signature.</span></p>
{{/pending}}
{{#card_error}}
<div class="alert" role="alert" id="card-error"><p>{{de}}</p><p class="en" lang="en">{{en}}</p></div>
{{/card_error}}
{{#pending}}
<dl>
<dt>Karte <span class="en" lang="en">/ Card</span></dt><dd id="card">{{holder_name}} – {{token_label}}</dd>
<dt>Kartenleser <span class="en" lang="en">/ Reader</span></dt><dd>{{reader}}</dd>
<dt>SHA-256</dt><dd><code>{{document_sha256}}</code></dd>
</dl>
<h2>Zu signierendes Dokument <span class="en" lang="en">/ Document to be signed</span></h2>
<pre id="document" tabindex="0" aria-label="Dokument / Document">{{document}}</pre>
<form method="post" action="/confirm/{{id}}" autocomplete="off">
<input type="hidden" name="confirmation_token" value="{{confirmation_token}}">
{{#pin_pad}}
<p class="ok" id="pin-pad-hint"><strong>Bitte geben Sie die PIN am Kartenleser ein.</strong>
<span class="en" lang="en">Please enter the PIN on the card reader.</span><br>
Drücken Sie zuerst „Signieren“. <span class="en" lang="en">Press “Sign” first.</span></p>
{{/pin_pad}}
{{^pin_pad}}
<label for="pin">PIN der Signaturkarte <span class="en" lang="en">/ Signature card PIN</span></label>
<input type="password" id="pin" name="pin" inputmode="numeric" autocomplete="off" required
 minlength="4" maxlength="16" autofocus>
{{/pin_pad}}
<div class="actions">
<button type="submit" class="sign" name="action" value="sign">Signieren <span lang="en">/ Sign</span></button>
<button type="submit" name="action" value="cancel" formnovalidate>Abbrechen <span lang="en">/ Cancel</span></button>
</div>
</form>
{{/pending}}
{{#completed}}
<div class="ok" role="status" id="outcome"><p>Das Dokument wurde signiert. Sie können dieses
Fenster schließen und im Portal weitermachen.</p><p class="en" lang="en">The document has been
signed. You can close this window and continue in the portal.</p></div>
{{/completed}}
{{#refused}}
<div class="alert" role="alert" id="outcome"><p>Es wurde nichts signiert. <span class="en"
lang="en">Nothing was signed.</span></p><p>{{de}}</p><p class="en" lang="en">{{en}}</p>
<p><code>{{code}}</code></p></div>
{{/refused}}
{{#unknown}}
<div class="alert" role="alert" id="outcome"><p>{{de}}</p><p class="en" lang="en">{{en}}</p>
<p><code>{{code}}</code></p></div>
{{/unknown}}
</main>
</body>
</html>
)";

data error_data(const ErrorCode& code) {
    data d;
    d.set("code", std::string(code.id));
    d.set("de", std::string(code.de));
    d.set("en", std::string(code.en));
    return d;
}

http::Response render(const data& values, int status) {
    // The browser's icon request is answered by the page's own (empty) icon, so it breaks no
    // rule; the script may ask the agent only about its own request.
    static const std::string csp = "default-src 'none'; style-src 'sha256-" + style_hash() +
                                   "'; script-src 'sha256-" + hash_of(script) +
                                   "'; connect-src 'self'; img-src data:; form-action 'self'; "
                                   "frame-ancestors 'none'; base-uri 'none'";
    data page = values;
    page.set("style", style);
    page.set("script", script);
    mustache renderer(page_template);
    auto response = http::Response::html(renderer.render(page), status);
    response.headers.set("Content-Security-Policy", csp);
    response.headers.set("X-Frame-Options", "DENY");
    // The portal's window keeps no handle on this one, and no other site may embed it.
    response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
    response.headers.set("Cross-Origin-Resource-Policy", "same-origin");
    response.headers.set("Cache-Control", "no-store");
    // Not no-referrer: under that policy browsers send "Origin: null" with the page's own form
    // post, and the agent could not tell its page from a sandboxed attacker's.
    response.headers.set("Referrer-Policy", "same-origin");
    return response;
}

}  // namespace

http::Response confirmation_page(const SigningRequest& request, int status) {
    data values;
    values.set("id", request.id);
    switch (request.state) {
        case SigningState::pending:
        case SigningState::signing: {
            data pending;
            pending.set("confirmation_token", request.confirmation_token);
            pending.set("origin", request.origin);
            pending.set("token_label", request.token_label);
            pending.set("holder_name", request.holder_name);
            pending.set("reader", request.reader);
            pending.set("document", request.document);
            pending.set("document_sha256",
                        encoding::hex(ossl::sha256(ossl::as_bytes(request.document))));
            pending.set("pin_pad",
                        request.pin_pad ? data::type::bool_true : data::type::bool_false);
            values.set("pending", pending);
            if (request.last_card_error != nullptr) {
                values.set("card_error", error_data(*request.last_card_error));
            }
            break;
        }
        case SigningState::completed:
            values.set("completed", data::type::bool_true);
            break;
        case SigningState::refused:
            values.set("refused", error_data(request.refusal != nullptr ? *request.refusal
                                                                        : errors::request_expired));
            break;
    }
    return render(values, status);
}

http::Response unknown_request_page() {
    data values;
    values.set("unknown", error_data(errors::request_not_found));
    return render(values, 404);
}

}  // namespace sigcard::agent
