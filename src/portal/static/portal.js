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

  // Chrome and Edge ask before a page may reach 127.0.0.1 (Local Network Access), Firefox may
  // too: a refused fetch then looks like an agent that is not running. The permission's state
  // tells the two apart where the browser exposes it.
  async function localNetworkPermission() {
    if (!navigator.permissions || !navigator.permissions.query) {
      return "unknown";
    }
    for (const name of ["local-network-access", "loopback-network", "local-network"]) {
      try {
        const status = await navigator.permissions.query({ name: name });
        return status.state;
      } catch (e) {
        // not a permission this browser knows
      }
    }
    return "unknown";
  }

  async function unreachableText() {
    const permission = await localNetworkPermission();
    if (permission === "denied") {
      return message("agent_blocked");
    }
    if (permission === "prompt") {
      return message("agent_asks_permission");
    }
    return message("agent_unreachable");
  }

  async function failureText(failure) {
    if (failure.unreachable) {
      return unreachableText();
    }
    if (failure.agentError) {
      return errorText(failure.agentError);
    }
    if (failure.httpStatus === 403) {
      return message("agent_refused");
    }
    return message(failure.message);
  }

  // The cards in reach that hold a qualified certificate, as the agent lists them.
  async function usableCards(base) {
    const result = await agent(base, "/v1/cards");
    if (result.status !== 200 || !result.body) {
      throw agentError(result);
    }
    const present = (result.body.cards || []).filter(function (card) { return card.present; });
    if (present.length === 0) {
      throw new Error("no_card");
    }
    const usable = present.filter(function (card) { return card.certificate; });
    if (usable.length === 0) {
      // Name why: another program holds the card, or it has no qualified certificate.
      const failure = new Error("no_card");
      failure.agentError = present[0].problem || null;
      throw failure;
    }
    return usable;
  }

  function dateText(unixSeconds) {
    return new Date(unixSeconds * 1000).toLocaleDateString(lang === "en" ? "en-GB" : "de-DE",
      { day: "numeric", month: "long", year: "numeric" });
  }

  function timeText(unixSeconds) {
    return new Date(unixSeconds * 1000).toLocaleTimeString(lang === "en" ? "en-GB" : "de-DE",
      { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  }

  // "Erika Mustermann, valid until 5 February 2027 (Demo Erika Mustermann, reader …)"
  function cardText(card) {
    const certificate = card.certificate;
    const expired = certificate.not_after * 1000 < Date.now();
    return certificate.holder_name + ", " +
      message(expired ? "expired_on" : "valid_until") + " " + dateText(certificate.not_after) +
      " (" + card.label + ", " + message("reader") + " " + card.reader + ")";
  }

  function postCertificate(card, status) {
    show(status, message("sending"), false);
    document.getElementById("certificate-base64").value = card.certificate.der_base64;
    document.getElementById("card-token").value = card.label;
    document.getElementById("certificate-form").submit();
  }

  // The holder picks among several cards; nothing is read until they choose.
  function offerChoice(cards, status, button) {
    const choice = document.getElementById("card-choice");
    const list = document.getElementById("card-choice-list");
    list.textContent = "";
    cards.forEach(function (card, index) {
      const row = document.createElement("div");
      row.className = "choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "card";
      input.id = "card-option-" + index;
      input.value = String(index);
      input.dataset.certificateSha256 = card.certificate.sha256;
      const label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = cardText(card);
      row.appendChild(input);
      row.appendChild(label);
      list.appendChild(row);
    });
    choice.hidden = false;
    show(status, "", false);
    button.hidden = true;
    const use = document.getElementById("use-card");
    use.onclick = function () {
      const chosen = list.querySelector('input[name="card"]:checked');
      if (!chosen) {
        show(status, message("choose_card"), true);
        list.querySelector("input").focus();
        return;
      }
      use.disabled = true;
      postCertificate(cards[Number(chosen.value)], status);
    };
    list.querySelector("input").focus();
  }

  // Step 1: list the cards through the agent, let the holder choose (one card: chosen, and
  // said so) and post its certificate to the portal.
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
        const cards = await usableCards(base);
        if (cards.length === 1) {
          show(status, message("one_card") + " " + cardText(cards[0]), false);
          postCertificate(cards[0], status);
          return;
        }
        offerChoice(cards, status, button);
      } catch (failure) {
        show(status, await failureText(failure), true);
        button.disabled = false;
      }
    });
  }

  // Step 5: each "sign with card" asks the portal for a fresh signing request for the same
  // document, hands it to the agent (which signs only with the card checked in step 1), lets
  // the holder confirm in the agent's own window, waits and posts the signature. A cancel, an
  // expiry or a closed window leaves the button ready for the next try.
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
    let openRequest = null;

    function checkedCard(cards) {
      return cards.find(function (card) {
        return card.certificate.sha256 === data.certificateSha256;
      });
    }

    usableCards(base).then(function (cards) {
      const card = checkedCard(cards);
      if (!card) {
        show(status, message("checked_card_missing"), true);
        return;
      }
      document.getElementById("sign-card-name").textContent = cardText(card);
      document.getElementById("sign-card").hidden = false;
      const padHint = document.getElementById(card.has_pin_pad ? "pin-pad-detected" : "pin-in-agent");
      if (padHint) {
        padHint.hidden = false;
      }
    }, function () { /* reported when the holder clicks */ });

    // A tab closed or left while the agent's window waits: withdraw the request at once.
    window.addEventListener("pagehide", function () {
      if (openRequest) {
        fetch(base + "/v1/sign/" + encodeURIComponent(openRequest) + "/cancel",
          { method: "POST", keepalive: true }).catch(function () {});
      }
    });

    async function freshRequest() {
      let response;
      try {
        response = await fetch(data.requestUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "csrf_token=" + encodeURIComponent(data.csrf),
        });
      } catch (e) {
        throw new Error("portal_unreachable");
      }
      const body = await response.json().catch(function () { return null; });
      if (body && (body.state === "placed" || body.state === "no_document")) {
        const moved = new Error(body.state);
        moved.location = body.location;
        throw moved;
      }
      if (!response.ok || !body || body.state !== "ready") {
        throw new Error("portal_unreachable");
      }
      return body;
    }

    button.addEventListener("click", async function () {
      button.disabled = true;
      // Opened now, while the click still counts as the holder's: later it would be blocked.
      const confirmation = window.open("", "sigcard-agent-confirmation");
      try {
        const request = await freshRequest();
        const opened = await agent(base, "/v1/sign", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            // The order document is the page's; a receipt statement comes with its request.
            document_base64: request.document_base64 || data.document,
            portal_request: request.portal_request,
            portal_signature: request.portal_signature,
          }),
        });
        if (opened.status !== 201 || !opened.body || !opened.body.request_id) {
          throw agentError(opened);
        }
        openRequest = opened.body.request_id;
        link.href = opened.body.confirm_url;
        link.hidden = false;
        document.getElementById("sign-expiry-time").textContent = timeText(opened.body.expires_at);
        document.getElementById("sign-expiry").hidden = false;
        if (confirmation && !confirmation.closed) {
          confirmation.location.href = opened.body.confirm_url;
          show(status, message("waiting"), false);
        } else {
          show(status, message("popup_blocked"), false);
        }
        const signature = await waitForSignature(base, opened.body.request_id);
        openRequest = null;
        show(status, message("sending"), false);
        document.getElementById("signature-base64").value = signature;
        document.getElementById("signature-form").submit();
      } catch (failure) {
        openRequest = null;
        document.getElementById("sign-expiry").hidden = true;
        link.hidden = true;
        if (confirmation && !confirmation.closed && confirmation.location.href === "about:blank") {
          confirmation.close();
        }
        if (failure.location) {
          show(status, message(failure.message), failure.message !== "placed");
          if (failure.message === "placed") {
            window.location.assign(failure.location);
            return;
          }
        } else if (failure.agentError && failure.agentError.code === "card.checked_card_missing") {
          show(status, message("checked_card_missing"), true);
        } else {
          show(status, await failureText(failure), true);
        }
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

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
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
    const showCheck = function (id) {
      check.hidden = false;
      document.getElementById(id).hidden = false;
    };
    // Our agent names itself; anything else answering at its address is another program that
    // holds the agent's port (the agent then cannot start: agent.port_in_use).
    agent(check.dataset.agent, "/v1/status").then(function (result) {
      const ours = result.status === 200 && result.body && result.body.agent === "sigcard-agent";
      showCheck(ours ? "agent-check-ok" : "agent-check-other");
    }, function () {
      // Unreadable for this page (no CORS answer) is not the same as nobody there.
      fetch(check.dataset.agent + "/v1/status", { mode: "no-cors", cache: "no-store" }).then(
        function () { showCheck("agent-check-other"); },
        function () { showCheck("agent-check-missing"); });
    });
  }

  // The back office: while an operator is signed in, the page asks the agent every few seconds
  // whether the operator's card is still in a reader. Twice not there (or the agent gone): the
  // session ends, as when the operator logs out.
  function setUpCardWatch() {
    const watch = document.getElementById("card-watch");
    if (!watch || !watch.dataset.certificateSha256) {
      return;
    }
    let misses = 0;
    async function check() {
      let present = false;
      try {
        const result = await agent(watch.dataset.agent, "/v1/cards");
        present = result.status === 200 && result.body !== null &&
          (result.body.cards || []).some(function (card) {
            return card.present && card.certificate &&
              card.certificate.sha256 === watch.dataset.certificateSha256;
          });
      } catch (e) {
        present = false;
      }
      misses = present ? 0 : misses + 1;
      if (misses >= 2) {
        document.getElementById("logout-reason").value = "karte";
        document.getElementById("logout-form").submit();
        return;
      }
      setTimeout(check, 2500);
    }
    check();
  }

  // The registration officer's page: the chosen scan is shown, and four clicks on it mark the
  // document's corners (top left, top right, bottom right, bottom left) in the scan's own pixels,
  // which fill the corners field; the field can also be typed.
  function setUpCornerMarking() {
    document.querySelectorAll("[data-corners-of]").forEach(function (preview) {
      const file = document.getElementById(preview.dataset.cornersOf);
      const field = document.getElementById(preview.dataset.cornersField);
      const image = preview.querySelector("img");
      let points = [];
      function mark() {
        preview.querySelectorAll(".corner-mark").forEach(function (m) { m.remove(); });
        points.forEach(function (p, i) {
          const m = document.createElement("span");
          m.className = "corner-mark";
          m.textContent = String(i + 1);
          m.style.left = (image.offsetLeft + p[0] / image.naturalWidth * image.clientWidth) + "px";
          m.style.top = (image.offsetTop + p[1] / image.naturalHeight * image.clientHeight) + "px";
          preview.appendChild(m);
        });
        field.value = points.length === 4 ? points.flat().join(",") : "";
      }
      file.addEventListener("change", function () {
        points = [];
        const chosen = file.files[0];
        if (!chosen || !/^image\/(png|jpeg)$/.test(chosen.type)) {
          preview.hidden = true;
          return;
        }
        const reader = new FileReader();
        reader.onload = function () {
          image.src = reader.result;
          preview.hidden = false;
          mark();
        };
        reader.readAsDataURL(chosen);
      });
      image.addEventListener("click", function (event) {
        if (points.length === 4) {
          points = [];
        }
        points.push([Math.round(event.offsetX / image.clientWidth * image.naturalWidth),
          Math.round(event.offsetY / image.clientHeight * image.naturalHeight)]);
        mark();
      });
    });
  }

  // A page answered with errors puts the keyboard focus on what went wrong: the order form's
  // summary, or the status form's message.
  function focusErrorSummary() {
    const summary = document.getElementById("error-summary") ||
      document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
  }

  setUpCardReader();
  setUpSigner();
  setUpBillingToggle();
  setUpAgentCheck();
  setUpCardWatch();
  setUpCornerMarking();
  focusErrorSummary();
})();
