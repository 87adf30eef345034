// The visitor chat: keeps the signed visitor token in this frame's own
// localStorage (third-party cookies are blocked in iframes), sends it with
// every htmx request, and disables the input while an answer streams.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat) { return; }
  var key = "saasaisite:visitor:" + chat.dataset.slug;
  var log = document.getElementById("chat-log");
  var embedded = document.body.classList.contains("chat-body--embed");

  // Chromium blocks storage in third-party frames outright, so the token is
  // also handed to the embedding page (static/embed.js keeps it there and
  // gives it back in this frame's address fragment on the next visit).
  var fromHost = new URLSearchParams(location.hash.slice(1)).get("visitor") || "";
  var memory = fromHost;

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }
  function token() {
    var store = storage();
    return memory || (store && store.getItem(key)) || "";
  }
  function keep(value) {
    memory = value;
    var store = storage();
    if (store) {
      if (value) { store.setItem(key, value); } else { store.removeItem(key); }
    }
    if (window.parent !== window) {
      window.parent.postMessage({ type: "saasaisite:visitor", slug: chat.dataset.slug, token: value }, "*");
    }
  }
  function form() { return document.getElementById("chat-form"); }

  // The page the chat was opened on: the embedding page for the iframe.
  function startedOn() {
    if (!embedded) { return location.href; }
    var given = new URLSearchParams(location.search).get("from");
    return given || document.referrer || "";
  }

  function prepareForm() {
    var current = form();
    if (!current) { return; }
    current.elements.token.value = token();
    current.elements.started_on.value = startedOn();
    var busy = log.querySelector("[data-streaming]") !== null;
    current.elements.text.disabled = busy;
    current.querySelector(".chat__send").disabled = busy;
    // A framed chat waits for the visitor: taking the focus on load would
    // pull the host page's keyboard and scroll into the frame.
    if (!busy && !embedded && document.activeElement === document.body) { current.elements.text.focus(); }
  }

  function loadHistory() {
    htmx.ajax("GET", chat.dataset.historyUrl, { target: "#chat-log", swap: "innerHTML" });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var value = token();
    if (value) { event.detail.headers["X-Visitor-Token"] = value; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (!source || source.id !== "chat-form") { return; }
    var xhr = event.detail.xhr;
    if (event.detail.successful) {
      keep(xhr.getResponseHeader("X-Visitor-Token") || token());
      form().elements.text.value = "";
    } else if (xhr.status === 403) {
      keep("");
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    prepareForm();
    log.scrollTop = log.scrollHeight;
  });

  // The "end" event closed the stream: the answer is final.
  document.addEventListener("htmx:sseClose", function (event) {
    var bubble = event.target;
    bubble.removeAttribute("data-streaming");
    bubble.removeAttribute("aria-busy");
    var stop = bubble.querySelector(".bubble__stop");
    if (stop) { stop.remove(); }
    prepareForm();
    var current = form();
    if (current && event.detail.type === "message") { current.elements.text.focus(); }
  });

  document.addEventListener("htmx:sseMessage", function () {
    log.scrollTop = log.scrollHeight;
  });

  document.addEventListener("keydown", function (event) {
    var current = form();
    if (!current || event.target !== current.elements.text) { return; }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      current.requestSubmit();
    }
  });

  document.getElementById("chat-new").addEventListener("click", function () {
    keep("");
    loadHistory();
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Without JavaScript a post comes back with the token in the address.
    if (chat.dataset.token) { keep(chat.dataset.token); }
    if (token() && !chat.dataset.token) { loadHistory(); }
    prepareForm();
  });
})();
