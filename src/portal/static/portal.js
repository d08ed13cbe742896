// SigCard portal pages: talks to the local card agent (read the certificate, sign the order) and
// improves forms. Every page works without this script except the two card steps.
"use strict";

(function () {
  const lang = document.body.dataset.lang === "en" ? "en" : "de";

  function message(key) {
    const element = document.querySelector('#messages [data-message="' + key + '"]');
    return element ? element.textContent : key;
  }

  // The text for an agent error: our own text for a card.* code, else the agent's.
  function errorText(error) {
    if (!error) {
      return message("refused");
    }
    const own = document.querySelector('#messages [data-error="' + error.code + '"]');
    if (own) {
      return own.textContent;
    }
    if (error.message && error.message[lang]) {
      return error.message[lang];
    }
    return message("refused");
  }

  function show(status, text, isError) {
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  // Calls the agent; resolves with {status, body}. Rejects only when the agent is unreachable.
  async function agent(base, path, options) {
    let response;
    try {
      response = await fetch(base + path, Object.assign({ cache: "no-store" }, options || {}));
    } catch (e) {
      const unreachable = new Error("agent_unreachable");
      unreachable.unreachable = true;
      throw unreachable;
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    return { status: response.status, body: body };
  }

  function agentError(result) {
    const error = result.body && result.body.error ? result.body.error : null;
    const failure = new Error(error ? error.code : "agent_refused");
    failure.agentError = error;
    failure.httpStatus = result.status;
    return failure;
  }

  function failureText(failure) {
    if (failure.unreachable) {
      return message("agent_unreachable");
    }
    if (failure.agentError) {
      return errorText(failure.agentError);
    }
    if (failure.httpStatus === 403) {
      return message("agent_refused");
    }
    return message(failure.message);
  }

  // The first card with a readable certificate; the preferred label first when given.
  async function chooseCard(base, preferred) {
    const result = await agent(base, "/v1/cards");
    if (result.status !== 200 || !result.body) {
      throw agentError(result);
    }
    const present = (result.body.cards || []).filter(function (card) { return card.present; });
    if (present.length === 0) {
      throw new Error("no_card");
    }
    return present.find(function (card) { return card.label === preferred; }) || present[0];
  }

  // Step 1: read the card's certificate through the agent and post it to the portal.
  function setUpCardReader() {
    const panel = document.getElementById("card-reader");
    if (!panel) {
      return;
    }
    panel.hidden = false;
    const base = panel.dataset.agent;
    const button = document.getElementById("read-card");
    const status = document.getElementById("card-status");
    button.addEventListener("click", async function () {
      button.disabled = true;
      show(status, message("reading"), false);
      try {
        const card = await chooseCard(base, "");
        const result = await agent(base, "/v1/certificate?token=" + encodeURIComponent(card.label));
        if (result.status !== 200 || !result.body || !result.body.certificate_base64) {
          throw agentError(result);
        }
        show(status, message("sending"), false);
        document.getElementById("certificate-base64").value = result.body.certificate_base64;
        document.getElementById("card-token").value = card.label;
        document.getElementById("certificate-form").submit();
      } catch (failure) {
        show(status, failureText(failure), true);
        button.disabled = false;
      }
    });
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // Step 5: hand the document with the portal's signed request to the agent, let the holder
  // confirm in the agent's own window, wait for the signature and post it to the portal.
  function setUpSigner() {
    const panel = document.getElementById("signer");
    if (!panel) {
      return;
    }
    panel.hidden = false;
    const data = panel.dataset;
    const base = data.agent;
    const button = document.getElementById("sign-button");
    const status = document.getElementById("sign-status");
    const link = document.getElementById("open-confirmation");

    chooseCard(base, data.cardToken).then(function (card) {
      const padHint = document.getElementById(card.has_pin_pad ? "pin-pad-detected" : "pin-in-agent");
      if (padHint) {
        padHint.hidden = false;
      }
    }, function () { /* reported when the holder clicks */ });

    button.addEventListener("click", async function () {
      button.disabled = true;
      // Opened now, while the click still counts as the holder's: later it would be blocked.
      const confirmation = window.open("", "sigcard-agent-confirmation");
      try {
        const card = await chooseCard(base, data.cardToken);
        const opened = await agent(base, "/v1/sign", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            document_base64: data.document,
            token: card.label,
            portal_request: data.portalRequest,
            portal_signature: data.portalSignature,
          }),
        });
        if (opened.status !== 201 || !opened.body || !opened.body.request_id) {
          throw agentError(opened);
        }
        link.href = opened.body.confirm_url;
        link.hidden = false;
        if (confirmation && !confirmation.closed) {
          confirmation.location.href = opened.body.confirm_url;
          show(status, message("waiting"), false);
        } else {
          show(status, message("popup_blocked"), false);
        }
        const signature = await waitForSignature(base, opened.body.request_id);
        show(status, message("sending"), false);
        document.getElementById("signature-base64").value = signature;
        document.getElementById("signature-form").submit();
      } catch (failure) {
        if (confirmation && !confirmation.closed && confirmation.location.href === "about:blank") {
          confirmation.close();
        }
        show(status, failureText(failure), true);
        button.disabled = false;
      }
    });
  }

  async function waitForSignature(base, id) {
    for (;;) {
      await sleep(1000);
      const result = await agent(base, "/v1/sign/" + encodeURIComponent(id));
      if (result.status !== 200 || !result.body) {
        throw agentError(result);
      }
      if (result.body.state === "signed") {
        return result.body.signature_base64;
      }
      if (result.body.state === "refused") {
        const failure = new Error("refused");
        failure.agentError = result.body.error;
        throw failure;
      }
    }
  }

  // Step 3: hide the billing address while it equals the shipping address.
  function setUpBillingToggle() {
    const same = document.getElementById("billing-same");
    const billing = document.getElementById("billing");
    if (!same || !billing) {
      return;
    }
    const fields = billing.querySelectorAll(".field");
    const update = function () {
      // The VAT ID stays visible: it may be given either way.
      fields.forEach(function (field) {
        if (!field.querySelector('[name="billing.vat_id"]')) {
          field.hidden = same.checked;
        }
      });
      const hint = document.getElementById("billing-hint");
      if (hint) {
        hint.hidden = same.checked;
      }
    };
    same.addEventListener("change", update);
    update();
  }

  // Card help: say whether the agent is running on this computer.
  function setUpAgentCheck() {
    const check = document.getElementById("agent-check");
    if (!check) {
      return;
    }
    agent(check.dataset.agent, "/v1/status").then(function (result) {
      check.hidden = false;
      document.getElementById(result.status === 200 ? "agent-check-ok" : "agent-check-missing").hidden = false;
    }, function () {
      check.hidden = false;
      document.getElementById("agent-check-missing").hidden = false;
    });
  }

  function focusErrorSummary() {
    const summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  setUpCardReader();
  setUpSigner();
  setUpBillingToggle();
  setUpAgentCheck();
  focusErrorSummary();
})();
