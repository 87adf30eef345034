// Copy buttons: a button with data-copy="ID" copies the text of element ID.
// The buttons stay hidden without JavaScript; the text areas remain selectable.
(function () {
  "use strict";

  var script = document.currentScript;
  var messages = {
    done: script ? script.dataset.done : "Copied.",
    failed: script ? script.dataset.failed : "Select the text and copy it."
  };

  function say(id, text) {
    var status = document.querySelector('[data-copied="' + id + '"]');
    if (status) status.textContent = text;
  }

  function fallback(id, source) {
    source.focus();
    source.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    say(id, copied ? messages.done : messages.failed);
  }

  function copy(button) {
    var id = button.dataset.copy;
    var source = document.getElementById(id);
    if (!source) return;
    if (!navigator.clipboard || !window.isSecureContext) return fallback(id, source);
    navigator.clipboard.writeText(source.value).then(
      function () { say(id, messages.done); },
      function () { fallback(id, source); }
    );
  }

  function reveal() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  reveal();
  if (window.saasaisiteCopy) return;
  window.saasaisiteCopy = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
})();
