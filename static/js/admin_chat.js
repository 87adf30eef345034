// The cabinet's admin chat: Enter sends, the input waits while an answer
// streams, and the log follows the newest text.
(function () {
  "use strict";
  function form() { return document.getElementById("admin-chat-form"); }
  function log() { return document.getElementById("chat-log"); }

  function settle() {
    var current = form();
    var area = log();
    if (!current || !area) { return; }
    var busy = area.querySelector("[data-streaming]") !== null;
    current.elements.text.disabled = busy;
    current.querySelector(".chat__send").disabled = busy;
    area.scrollTop = area.scrollHeight;
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (source && source.id === "admin-chat-form" && event.detail.successful) {
      source.elements.text.value = "";
    }
  });
  document.addEventListener("htmx:afterSettle", settle);
  document.addEventListener("htmx:sseMessage", function () {
    var area = log();
    if (area) { area.scrollTop = area.scrollHeight; }
  });
  document.addEventListener("htmx:sseClose", function (event) {
    var bubble = event.target;
    bubble.removeAttribute("data-streaming");
    bubble.removeAttribute("aria-busy");
    var stop = bubble.querySelector(".bubble__stop");
    if (stop) { stop.remove(); }
    settle();
    var current = form();
    if (current) { current.elements.text.focus(); }
    // The finished answer comes back from the server with its "save" form.
    var area = log();
    if (area && area.dataset.refresh) {
      htmx.ajax("GET", area.dataset.refresh, { target: "#chat-log", select: "#chat-log", swap: "outerHTML" });
    }
  });
  document.addEventListener("keydown", function (event) {
    var current = form();
    if (!current || event.target !== current.elements.text) { return; }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      current.requestSubmit();
    }
  });
  document.addEventListener("DOMContentLoaded", settle);
})();
