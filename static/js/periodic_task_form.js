// The admin's periodic task form (django-celery-beat): shows the chosen crontab in
// words under the field, as the package's own inline script did.
"use strict";
(function () {
  const script = document.currentScript;
  const $ = window.django && window.django.jQuery;
  const data = document.getElementById("readable-crontabs");
  if (!$ || !data) {
    return;
  }
  const readable = JSON.parse(data.textContent);
  const help = script ? script.dataset.crontabHelp || "" : "";
  const showReadable = () => {
    const chosen = readable[$("#id_crontab").val()];
    const box = $(".field-crontab .help");
    box.text(help);
    if (chosen) {
      box.append("<br>").append(document.createTextNode("Translation: " + chosen));
    }
  };
  $(".field-crontab_translation").hide();
  $(".field-crontab").on("change", showReadable);
})();
