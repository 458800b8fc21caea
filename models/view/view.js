// The evidence page's links: a field of the record to its highlighted words, and back. No network.
(function () {
  "use strict";
  var record = document.getElementById("record");
  var marksOf = {};   // highlight number -> its <mark> pieces, in text order
  var fieldsOf = {};  // highlight number -> the record's elements that point at it
  Array.prototype.forEach.call(document.querySelectorAll("#text mark[data-h]"), function (m) {
    (marksOf[m.dataset.h] = marksOf[m.dataset.h] || []).push(m);
  });
  Array.prototype.forEach.call(record.querySelectorAll("[data-h]"), function (el) {
    el.dataset.h.split(" ").forEach(function (h) { (fieldsOf[h] = fieldsOf[h] || []).push(el); });
  });

  function flash(elements) {
    elements.forEach(function (el) {
      el.classList.remove("flash");
      void el.offsetWidth;  // restart the animation
      el.classList.add("flash");
    });
  }

  function showEvidence(field) {
    var marks = [];
    field.dataset.h.split(" ").forEach(function (h) { marks = marks.concat(marksOf[h] || []); });
    if (!marks.length) { return; }
    marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
    flash(marks);
    flash([field]);
  }

  function showField(mark) {
    var fields = fieldsOf[mark.dataset.h] || [];
    flash(marksOf[mark.dataset.h] || [mark]);
    if (!fields.length) { return; }
    fields[0].scrollIntoView({ block: "nearest", behavior: "smooth" });
    flash(fields);
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest("#text mark[data-h]");
    if (mark) { showField(mark); return; }
    var field = event.target.closest("#record [data-h]");
    if (field) { showEvidence(field); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var field = event.target.closest && event.target.closest("#record [data-h]");
    if (field) { event.preventDefault(); showEvidence(field); }
  });
  document.documentElement.dataset.ready = "1";  // the links are in place
})();
