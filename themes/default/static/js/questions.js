/* radcase: questions of a case. Choosing an option marks it right or wrong, says so to screen
   readers and shows why each option is right or wrong. The answer key this reads is in the page
   only once the case's answer may be shown; without JavaScript it is a revealable key under each
   question, so this script only replaces it. No dependencies, no network requests. */
(function () {
  "use strict";

  function question(el) {
    const key = el.querySelector(".answer-key");
    const answerEl = key && key.querySelector("[data-answer]");
    if (!answerEl) return; // the answer is not published yet
    const answer = Number(answerEl.dataset.answer);
    const rationales = Array.from(key.querySelectorAll(".answer-key-rationales li"), (li) => li.innerHTML);
    const options = Array.from(el.querySelectorAll(".question-option"));
    const result = el.querySelector(".question-result");
    key.hidden = true;
    el.addEventListener("change", (e) => {
      const input = e.target.closest("input[type=radio]");
      if (!input) return;
      const chosen = Number(input.value);
      options.forEach((li, i) => {
        li.classList.toggle("is-right", i === answer);
        li.classList.toggle("is-wrong", i === chosen && i !== answer);
        const p = li.querySelector(".question-rationale");
        const verdict = i === answer ? "Right" : "Wrong";
        p.innerHTML = "<strong>" + verdict + ":</strong> " + (rationales[i] || "");
        p.hidden = false;
      });
      const right = chosen === answer;
      result.textContent = right
        ? "Correct."
        : "Not quite. The answer is " + answerEl.textContent + ".";
      result.classList.toggle("is-right", right);
      result.classList.toggle("is-wrong", !right);
    });
  }

  function init() {
    document.querySelectorAll("[data-question]").forEach(question);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
