// 看板.html: choose the unit whose score breakdown is shown; choose what print includes.
(function () {
  "use strict";
  var root = document.documentElement;
  var pick = document.getElementById("unit-pick");
  var printAll = document.getElementById("print-all");
  var blocks = Array.prototype.slice.call(document.querySelectorAll(".unit-wf"));
  root.classList.add("js");

  function show(unit) {
    var chosen = null;
    blocks.forEach(function (block) {
      var on = block.getAttribute("data-unit") === unit;
      block.classList.toggle("selected", on);
      if (on) { chosen = block; }
    });
    if (!chosen && blocks.length) {
      chosen = blocks[0];
      chosen.classList.add("selected");
    }
    if (chosen && pick) { pick.value = chosen.getAttribute("data-unit"); }
    return chosen;
  }

  function fromHash() {
    var hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (hash.indexOf("unit-") !== 0) { return false; }
    var chosen = show(hash.slice(5));
    if (chosen) { chosen.scrollIntoView(); }
    return true;
  }

  if (pick) {
    pick.addEventListener("change", function () { show(pick.value); });
  }
  if (printAll) {
    printAll.addEventListener("change", function () {
      root.classList.toggle("print-one", !printAll.checked);
    });
  }
  window.addEventListener("hashchange", fromHash);
  if (!fromHash()) { show(pick ? pick.value : ""); }
})();
