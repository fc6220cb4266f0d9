/* The gift form of the campaign page (templates/donations/includes/donation_form.html).

   Without this script every part of the form stays visible (both amount groups with
   their legends, the company fields marked "entreprises seulement", both tax notes)
   and the server reads the amount group matching the chosen frequency. With it:
   - the amount group matching the frequency (once / monthly) is the only one shown;
   - typing an amount selects "Autre montant", choosing a preset clears it;
   - company fields and the logo choice show only for companies;
   - a monthly upsell line is offered for one-off gifts;
   - the net-cost sentence follows the amount (and the company's turnover, if given);
   - a summary line above the button says what will be given.
   No dependency, no inline script (the site has a Content-Security-Policy). */
(function () {
  "use strict";

  var form = document.querySelector("[data-donation-form]");
  if (!form) {
    return;
  }

  var NNBSP = "\u202f"; // thousands separator, as the server writes it
  var NBSP = "\u00a0";
  var OTHER = "autre";

  function checkedValue(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function radio(name, value) {
    return form.querySelector('input[name="' + name + '"][value="' + value + '"]');
  }

  /* "50", "50,5", "1 000,00 €" -> cents; null when it is not an amount (as the server). */
  function toCents(text) {
    var cleaned = String(text || "").replace(/[€\s\u00a0\u202f]/g, "").replace(",", ".");
    if (!/^\d+(\.\d*)?$/.test(cleaned) && !/^\.\d+$/.test(cleaned)) {
      return null;
    }
    var value = Math.round(parseFloat(cleaned) * 100);
    return value > 0 && isFinite(value) ? value : null;
  }

  /* 1234567 -> "12 345,67 €"; whole euros without decimals (as the server's `eur`). */
  function eur(cents) {
    var euros = Math.floor(cents / 100);
    var rest = cents % 100;
    var grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
    return grouped + (rest ? "," + (rest < 10 ? "0" : "") + rest : "") + NBSP + "€";
  }

  var otherInput = form.querySelector("[data-other-amount]");
  var groups = form.querySelectorAll("[data-frequency-group]");
  var upsell = form.querySelector("[data-upsell]");
  var summary = form.querySelector("[data-summary]");
  var companyFields = form.querySelectorAll("[data-company-fields]");
  var companyOnly = form.querySelectorAll("[data-company-only]");
  var taxParts = form.querySelectorAll("[data-tax-for]");
  var turnoverInput = form.querySelector("[data-turnover]");
  var netCost = {
    individual: form.querySelector('[data-net-cost="individual"]'),
    company: form.querySelector('[data-net-cost="company"]'),
  };
  var rates = {
    individual: parseInt(form.dataset.individualRate, 10) || 0,
    company: parseInt(form.dataset.companyRate, 10) || 0,
  };
  var companyCap = parseInt(form.dataset.companyCap, 10) || 0;
  var turnoverPermille = parseInt(form.dataset.turnoverPermille, 10) || 0;

  function frequency() {
    return checkedValue("frequency") === "monthly" ? "monthly" : "once";
  }

  function amountField() {
    return frequency() === "monthly" ? "amount_monthly" : "amount_once";
  }

  /* The gift in cents as the server will read it, or null. */
  function amount() {
    var typed = otherInput ? otherInput.value.trim() : "";
    var choice = checkedValue(amountField());
    if (typed || choice === OTHER) {
      return toCents(typed);
    }
    return choice ? parseInt(choice, 10) * 100 : null;
  }

  /* What the gift costs after the tax reduction (rounded down, as the server). */
  function costAfterReduction(cents, donorType) {
    if (donorType === "company") {
      var cap = companyCap;
      var turnover = turnoverInput ? toCents(turnoverInput.value) : null;
      if (turnover) {
        cap = Math.max(cap, Math.floor((turnover * turnoverPermille) / 1000));
      }
      // The cap is yearly: a monthly gift counts twelve times.
      var yearly = frequency() === "monthly" ? cents * 12 : cents;
      var base = Math.min(yearly, cap);
      var reduction = Math.floor((base * rates.company) / 100);
      if (frequency() === "monthly") {
        reduction = Math.floor(reduction / 12);
      }
      return { cost: cents - reduction, capped: yearly > cap, cap: cap };
    }
    return { cost: cents - Math.floor((cents * rates.individual) / 100), capped: false };
  }

  function updateNetCost(cents) {
    ["individual", "company"].forEach(function (donorType) {
      var node = netCost[donorType];
      if (!node || !rates[donorType]) {
        return;
      }
      if (!cents) {
        node.textContent = "Choisissez un montant pour voir ce que votre don vous coûte.";
        return;
      }
      var result = costAfterReduction(cents, donorType);
      var perMonth = frequency() === "monthly" ? " par mois" : "";
      var text =
        "Votre don de " + eur(cents) + perMonth +
        (donorType === "company" ? " coûte " : " vous coûte ") +
        eur(result.cost) + perMonth +
        (donorType === "company" ? " à votre entreprise" : "") +
        " après réduction d'impôt.";
      if (result.capped) {
        text +=
          " La réduction porte sur " + eur(result.cap) +
          " de dons dans l'année ; l'excédent est reporté sur les cinq exercices suivants.";
      }
      if (node.textContent !== text) {
        node.textContent = text;
      }
    });
  }

  function updateSummary(cents, donorType) {
    if (!summary) {
      return;
    }
    if (!cents) {
      summary.hidden = true;
      return;
    }
    summary.textContent =
      "Vous donnez " + eur(cents) + (frequency() === "monthly" ? " chaque mois" : " une fois") +
      (donorType === "company" ? ", au nom de votre entreprise." : ".");
    summary.hidden = false;
  }

  function update() {
    var current = frequency();
    var donorType = checkedValue("donor_type") === "company" ? "company" : "individual";
    groups.forEach(function (group) {
      group.hidden = group.dataset.frequencyGroup !== current;
    });
    if (upsell) {
      upsell.hidden = current !== "once";
    }
    companyFields.forEach(function (node) {
      node.hidden = donorType !== "company";
    });
    companyOnly.forEach(function (node) {
      node.hidden = donorType !== "company";
    });
    // The logo is a company's: an individual who had chosen it is thanked by name.
    var logo = radio("recognition", "logo");
    if (logo && logo.checked && donorType !== "company") {
      var byName = radio("recognition", "name");
      if (byName) {
        byName.checked = true;
      }
    }
    taxParts.forEach(function (node) {
      node.hidden = node.dataset.taxFor !== donorType;
    });
    var cents = amount();
    updateNetCost(cents);
    updateSummary(cents, donorType);
  }

  // Parts that only make sense with the script, and notes only needed without it.
  form.querySelectorAll("[data-js-only]").forEach(function (node) {
    node.hidden = false;
  });
  form.querySelectorAll("[data-no-js-note]").forEach(function (node) {
    node.hidden = true;
  });

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (
      otherInput &&
      (target.name === "amount_once" || target.name === "amount_monthly") &&
      target.value !== OTHER
    ) {
      otherInput.value = "";
    }
    update();
  });

  form.addEventListener("input", function (event) {
    if (event.target === otherInput && otherInput.value.trim()) {
      var other = radio(amountField(), OTHER);
      if (other) {
        other.checked = true;
      }
    }
    if (event.target === otherInput || event.target === turnoverInput) {
      update();
    }
  });

  if (upsell) {
    var accept = upsell.querySelector("[data-upsell-accept]");
    if (accept) {
      accept.addEventListener("click", function () {
        var monthly = radio("frequency", "monthly");
        var preset = radio("amount_monthly", upsell.dataset.upsellAmount);
        if (monthly) {
          monthly.checked = true;
        }
        if (preset) {
          preset.checked = true;
        }
        if (otherInput) {
          otherInput.value = "";
        }
        update();
        // The button disappears with the one-off choice: keep the focus in the form.
        (preset || monthly).focus();
      });
    }
  }

  update();
})();
