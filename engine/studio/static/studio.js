// The drafting studio's editor: a form drawn from the policy format's JSON Schema, a YAML view kept
// in step with it both ways, and the evaluation of the draft as it changes. Every text of a policy
// is put on the page as text (textContent, never markup); the evaluation arrives as HTML the server
// rendered with every value escaped.
(function () {
  "use strict";

  var state = JSON.parse(document.getElementById("studio-state").textContent);
  var token = document.querySelector('meta[name="studio-token"]').getAttribute("content");
  var form = document.getElementById("policy-form");
  var yamlArea = document.getElementById("yaml");
  var results = document.getElementById("results");
  var problemList = document.getElementById("problems");
  var evalStatus = document.getElementById("eval-status");
  var saveStatus = document.getElementById("save-status");

  var schema = null;
  var data = null;
  var yamlText = state.yaml;
  var opened = state.opened;
  var sent = 0;
  var timer = null;
  var inflight = Promise.resolve();
  var remedyText = null;
  var savedText = state.isNew ? null : state.yaml;

  function unsaved() {
    return yamlText !== savedText;
  }

  function api(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-studio-token": token },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { status: response.status, body: answer };
      });
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Paths: steps such as ["rules", 0, "blocked_windows", 1, "to"], written as the loader writes
  // them in its problems: rules[0].blocked_windows[1].to
  function pathText(steps) {
    var text = "";
    steps.forEach(function (step) {
      if (typeof step === "number") text += "[" + step + "]";
      else text += text ? "." + step : step;
    });
    return text;
  }

  function getAt(steps) {
    var node = data;
    for (var i = 0; i < steps.length; i++) {
      if (node === null || typeof node !== "object") return undefined;
      node = node[steps[i]];
    }
    return node;
  }

  function setAt(steps, value, remove) {
    var node = data;
    for (var i = 0; i < steps.length - 1; i++) {
      if (node[steps[i]] === null || typeof node[steps[i]] !== "object") {
        node[steps[i]] = typeof steps[i + 1] === "number" ? [] : {};
      }
      node = node[steps[i]];
    }
    var last = steps[steps.length - 1];
    if (remove) {
      if (Array.isArray(node)) node.splice(last, 1);
      else delete node[last];
    } else {
      node[last] = value;
    }
  }

  function resolve(node) {
    if (node && node.$ref) return schema.$defs[node.$ref.split("/").pop()];
    return node;
  }

  // A field's type, with an optional value (anyOf [X, null]) read as X.
  function typeOf(prop) {
    var node = resolve(prop);
    var optional = false;
    if (node.anyOf) {
      var others = node.anyOf.filter(function (n) {
        return n.type !== "null";
      });
      optional = others.length < node.anyOf.length;
      if (others.length !== 1) return { kind: "complex", optional: optional };
      node = resolve(others[0]);
    }
    var kind = "complex";
    if (node.const !== undefined) kind = "const";
    else if (node.enum) kind = "enum";
    else if (node.type === "boolean") kind = "boolean";
    else if (node.type === "integer" || node.type === "number") kind = "number";
    else if (node.type === "string") kind = "string";
    else if (node.type === "array") {
      var items = resolve(node.items || {});
      if (node.items && node.items.discriminator) kind = "rules";
      else if (items.enum) kind = "choices";
      else if (items.properties) kind = "objects";
      else if (items.type === "string" || items.type === "number" || items.type === "integer") kind = "list";
    } else if (node.properties) kind = "object";
    return { kind: kind, node: node, optional: optional };
  }

  function debounce(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      send(false);
    }, delay);
  }

  function fieldBox(name, prop, steps, required) {
    var box = el("div", { class: "field", "data-path": pathText(steps) });
    var label = el("label", { class: "field-label" }, prop["x-label"] || name);
    if (required) label.appendChild(el("span", { class: "required", title: "required" }, " *"));
    box.appendChild(label);
    return box;
  }

  function help(box, prop, unit) {
    if (unit) box.appendChild(el("span", { class: "unit" }, unit));
    if (prop.description) box.appendChild(el("p", { class: "help" }, prop.description));
  }

  function inputId(steps) {
    return "f-" + pathText(steps).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function scalarInput(name, prop, steps, required, type) {
    var box = fieldBox(name, prop, steps, required);
    var id = inputId(steps);
    box.querySelector("label").setAttribute("for", id);
    var value = getAt(steps);
    var input;
    if (type.kind === "enum") {
      input = el("select", { id: id, name: pathText(steps) });
      if (type.optional || value === undefined) input.appendChild(el("option", { value: "" }, "(not set)"));
      type.node.enum.forEach(function (choice) {
        var option = el("option", { value: String(choice) }, String(choice));
        if (value === choice) option.selected = true;
        input.appendChild(option);
      });
      input.addEventListener("change", function () {
        if (input.value === "") setAt(steps, null, !(steps[steps.length - 1] in (getAt(steps.slice(0, -1)) || {})));
        else setAt(steps, input.value);
        debounce(50);
      });
    } else if (type.kind === "boolean") {
      input = el("input", { id: id, type: "checkbox", name: pathText(steps) });
      input.checked = value === true || (value === undefined && prop.default === true);
      input.addEventListener("change", function () {
        setAt(steps, input.checked);
        debounce(50);
      });
    } else if (type.kind === "const") {
      input = el("input", { id: id, type: "text", readonly: "readonly", value: String(type.node.const) });
    } else {
      var long = type.kind === "string" && (type.node.maxLength || 0) > 200;
      input = el(long ? "textarea" : "input", { id: id, name: pathText(steps) });
      if (!long) input.setAttribute("type", "text");
      if (type.kind === "number") input.setAttribute("inputmode", "decimal");
      if (type.node.pattern && type.node.pattern.indexOf("[0-5][0-9]") >= 0) input.setAttribute("placeholder", "HH:MM");
      input.value = value === undefined || value === null ? "" : String(value);
      input.addEventListener("input", function () {
        var text = input.value;
        var parent = getAt(steps.slice(0, -1)) || {};
        var present = steps[steps.length - 1] in parent;
        if (text.trim() === "" && (type.optional || !required)) {
          setAt(steps, null, !present || !type.optional);
        } else if (type.kind === "number" && /^-?\d+(\.\d+)?$/.test(text.trim())) {
          setAt(steps, Number(text.trim()));
        } else {
          setAt(steps, text);
        }
        debounce(400);
      });
    }
    box.appendChild(input);
    help(box, prop, prop["x-unit"]);
    return box;
  }

  function listInput(name, prop, steps, required, type) {
    var box = fieldBox(name, prop, steps, required);
    var id = inputId(steps);
    box.querySelector("label").setAttribute("for", id);
    var value = getAt(steps);
    var input = el("input", { id: id, type: "text", name: pathText(steps), placeholder: "comma-separated" });
    input.value = Array.isArray(value) ? value.join(", ") : "";
    var numbers = ["number", "integer"].indexOf(resolve(type.node.items).type) >= 0;
    input.addEventListener("input", function () {
      var items = input.value
        .split(",")
        .map(function (s) {
          return s.trim();
        })
        .filter(function (s) {
          return s !== "";
        })
        .map(function (s) {
          return numbers && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
        });
      setAt(steps, items);
      debounce(400);
    });
    box.appendChild(input);
    help(box, prop, prop["x-unit"]);
    return box;
  }

  function choicesInput(name, prop, steps, required, type) {
    var box = fieldBox(name, prop, steps, required);
    var value = getAt(steps);
    var chosen = Array.isArray(value) ? value : [];
    var group = el("div", { class: "choices" });
    resolve(type.node.items).enum.forEach(function (choice) {
      var id = inputId(steps.concat([String(choice)]));
      var wrap = el("label", { for: id, class: "choice" });
      var check = el("input", { id: id, type: "checkbox" });
      check.checked = chosen.indexOf(choice) >= 0;
      check.addEventListener("change", function () {
        var now = (getAt(steps) || []).filter(function (c) {
          return c !== choice;
        });
        if (check.checked) now.push(choice);
        setAt(steps, now);
        debounce(50);
      });
      wrap.appendChild(check);
      wrap.appendChild(document.createTextNode(" " + choice));
      group.appendChild(wrap);
    });
    box.appendChild(group);
    help(box, prop, "");
    return box;
  }

  function complexInput(name, prop, steps, required) {
    var box = fieldBox(name, prop, steps, required);
    var value = getAt(steps);
    box.appendChild(el("code", { class: "complex" }, value === undefined ? "(not set)" : JSON.stringify(value)));
    box.appendChild(el("p", { class: "help" }, (prop.description || "") + " Edit this field in the YAML view."));
    return box;
  }

  // The rule's kind first and its free-text note last, as the templates write them.
  function fieldOrder(names) {
    var rank = function (name) {
      return name === "kind" ? 0 : name === "note" ? 2 : 1;
    };
    return names
      .map(function (name, index) {
        return [rank(name), index, name];
      })
      .sort(function (a, b) {
        return a[0] - b[0] || a[1] - b[1];
      })
      .map(function (item) {
        return item[2];
      });
  }

  function objectFields(container, node, steps) {
    var required = node.required || [];
    fieldOrder(Object.keys(node.properties || {})).forEach(function (name) {
      container.appendChild(field(name, node.properties[name], steps.concat([name]), required.indexOf(name) >= 0));
    });
  }

  function objectList(name, prop, steps, required, type) {
    var box = fieldBox(name, prop, steps, required);
    box.classList.add("object-list");
    var value = getAt(steps);
    var items = Array.isArray(value) ? value : [];
    var itemNode = resolve(type.node.items);
    items.forEach(function (_, index) {
      var set = el("fieldset", { class: "item" });
      set.appendChild(el("legend", {}, (prop["x-label"] || name) + " " + (index + 1)));
      objectFields(set, itemNode, steps.concat([index]));
      var remove = el("button", { type: "button", class: "remove-item" }, "Remove");
      remove.addEventListener("click", function () {
        setAt(steps.concat([index]), null, true);
        renderForm();
        debounce(50);
      });
      set.appendChild(remove);
      box.appendChild(set);
    });
    var add = el("button", { type: "button", class: "add-item", "data-add": pathText(steps) }, "Add " + (itemNode.title || "entry").toLowerCase());
    add.addEventListener("click", function () {
      var fresh = {};
      (itemNode.required || []).forEach(function (key) {
        fresh[key] = "";
      });
      setAt(steps, items.concat([fresh]));
      renderForm();
    });
    box.appendChild(add);
    help(box, prop, "");
    return box;
  }

  function rulesField(name, prop, steps, required, type) {
    var box = fieldBox(name, prop, steps, required);
    box.classList.add("rules");
    var mapping = type.node.items.discriminator.mapping;
    var value = getAt(steps);
    var rules = Array.isArray(value) ? value : [];
    rules.forEach(function (rule, index) {
      var set = el("fieldset", { class: "rule", "data-kind": String(rule && rule.kind) });
      set.appendChild(el("legend", {}, "Rule " + (index + 1) + ": " + String(rule && rule.kind)));
      var model = rule && mapping[rule.kind] ? resolve({ $ref: mapping[rule.kind] }) : null;
      if (model) {
        if (model.description) set.appendChild(el("p", { class: "help" }, model.description));
        objectFields(set, model, steps.concat([index]));
      } else {
        set.appendChild(el("p", { class: "help" }, "Unknown rule kind: edit it in the YAML view."));
      }
      var remove = el("button", { type: "button", class: "remove-item" }, "Remove rule");
      remove.addEventListener("click", function () {
        setAt(steps.concat([index]), null, true);
        renderForm();
        debounce(50);
      });
      set.appendChild(remove);
      box.appendChild(set);
    });
    var pick = el("select", { class: "add-rule-kind", "aria-label": "Kind of rule to add" });
    Object.keys(mapping).forEach(function (kind) {
      pick.appendChild(el("option", { value: kind }, kind));
    });
    var add = el("button", { type: "button", class: "add-rule" }, "Add rule");
    add.addEventListener("click", function () {
      setAt(steps, rules.concat([{ kind: pick.value }]));
      renderForm();
      debounce(50);
    });
    box.appendChild(pick);
    box.appendChild(add);
    return box;
  }

  function field(name, prop, steps, required) {
    var type = typeOf(prop);
    switch (type.kind) {
      case "rules":
        return rulesField(name, prop, steps, required, type);
      case "objects":
        return objectList(name, prop, steps, required, type);
      case "choices":
        return choicesInput(name, prop, steps, required, type);
      case "list":
        return listInput(name, prop, steps, required, type);
      case "object": {
        var set = el("fieldset", { class: "field group", "data-path": pathText(steps) });
        set.appendChild(el("legend", {}, prop["x-label"] || name));
        if (prop.description) set.appendChild(el("p", { class: "help" }, prop.description));
        objectFields(set, type.node, steps);
        return set;
      }
      case "complex":
        return complexInput(name, prop, steps, required);
      default:
        return scalarInput(name, prop, steps, required, type);
    }
  }

  function renderForm() {
    form.textContent = "";
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      form.appendChild(el("p", { class: "help" }, "The YAML view does not hold a policy yet: write one there."));
      return;
    }
    objectFields(form, schema, []);
    markProblems(lastProblems);
  }

  var lastProblems = [];

  function problemText(problem) {
    return problem.message + (problem.suggestion ? " (did you mean '" + problem.suggestion + "'?)" : "");
  }

  function fieldFor(path) {
    var boxes = form.querySelectorAll("[data-path]");
    var wanted = path;
    while (wanted) {
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].getAttribute("data-path") === wanted) return boxes[i];
      }
      var cut = Math.max(wanted.lastIndexOf("."), wanted.lastIndexOf("["));
      wanted = cut > 0 ? wanted.slice(0, cut) : "";
    }
    return null;
  }

  function markProblems(problems) {
    form.querySelectorAll(".problem").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll(".invalid").forEach(function (node) {
      node.classList.remove("invalid");
    });
    problemList.textContent = "";
    problems.forEach(function (problem) {
      var box = problem.path ? fieldFor(problem.path) : null;
      var where = problem.line + ":" + problem.column + (problem.path ? " " + problem.path : "");
      var item = el("li", { class: "problem-line" }, where + ": " + problemText(problem));
      problemList.appendChild(item);
      if (box) {
        box.classList.add("invalid");
        var note = el("p", { class: "problem", role: "alert", "data-for": problem.path }, problemText(problem));
        var input = box.querySelector("input, select, textarea");
        if (input) input.setAttribute("aria-invalid", "true");
        box.insertBefore(note, box.children[1] || null);
      }
    });
  }

  function showOutcome(answer, fromYaml) {
    yamlText = answer.yaml;
    if (document.activeElement !== yamlArea || !fromYaml) yamlArea.value = answer.yaml;
    if (fromYaml) {
      if (answer.data !== null && answer.data !== undefined) data = answer.data;
      lastProblems = answer.problems || [];
      renderForm();
    }
    lastProblems = answer.problems || [];
    markProblems(lastProblems);
    if (answer.html) {
      results.innerHTML = answer.html;
      results.classList.remove("stale");
      evalStatus.textContent = "Evaluated.";
    } else {
      results.classList.add("stale");
      evalStatus.textContent = lastProblems.length ? "Fix the problems to see the evaluation." : "";
    }
    if (unsaved() && saveStatus.textContent.indexOf("Saving") !== 0) saveStatus.textContent = "Not saved yet.";
    document.body.setAttribute("data-evaluations", String(sent));
  }

  function send(fromYaml) {
    var mine = ++sent;
    var body = { path: state.path, yaml: fromYaml ? yamlArea.value : yamlText };
    if (!fromYaml) body.data = data;
    evalStatus.textContent = "Evaluating…";
    document.body.setAttribute("data-busy", "true");
    inflight = api("/api/draft", body).then(
      function (answer) {
        if (mine !== sent) return;
        document.body.removeAttribute("data-busy");
        if (answer.status !== 200) {
          evalStatus.textContent = answer.body.error || "The draft could not be evaluated.";
          return;
        }
        showOutcome(answer.body, fromYaml);
      },
      function () {
        if (mine === sent) {
          document.body.removeAttribute("data-busy");
          evalStatus.textContent = "The studio does not answer: is it still running?";
        }
      }
    );
    return inflight;
  }

  function flush() {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
      return send(false);
    }
    return inflight;
  }

  yamlArea.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      send(true);
    }, 400);
  });

  // Remedies: preview the change as a diff, then apply it to the draft (saving is separate).
  var preview = document.getElementById("remedy-preview");
  results.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".preview-remedy") : null;
    if (!button) return;
    flush().then(function () {
      var body = {
        path: state.path,
        yaml: yamlText,
        conflict: Number(button.getAttribute("data-conflict")),
        remedy: Number(button.getAttribute("data-remedy")),
      };
      return api("/api/remedy", body).then(function (answer) {
        var diff = document.getElementById("remedy-diff");
        diff.textContent = "";
        if (answer.status !== 200) {
          document.getElementById("remedy-summary").textContent = answer.body.error || "not available";
          remedyText = null;
        } else {
          document.getElementById("remedy-summary").textContent = answer.body.summary;
          answer.body.diff.forEach(function (line) {
            var cls = line.charAt(0) === "+" ? "add" : line.charAt(0) === "-" ? "del" : "ctx";
            diff.appendChild(el("span", { class: "diff-" + cls }, line + "\n"));
          });
          remedyText = answer.body.yaml;
        }
        document.getElementById("remedy-apply").disabled = remedyText === null;
        preview.hidden = false;
      });
    });
  });
  document.getElementById("remedy-apply").addEventListener("click", function () {
    if (remedyText === null) return;
    yamlArea.value = remedyText;
    yamlText = remedyText;
    remedyText = null;
    preview.hidden = true;
    send(true);
  });
  document.getElementById("remedy-cancel").addEventListener("click", function () {
    remedyText = null;
    preview.hidden = true;
  });

  // Saving: never over a file changed on disk since it was opened without asking first.
  var conflictBox = document.getElementById("save-conflict");
  function save(overwrite) {
    saveStatus.textContent = "Saving…";
    flush().then(function () {
      var body = { path: state.path, yaml: yamlText, opened: opened, overwrite: overwrite };
      return api("/api/save", body).then(
        function (answer) {
          if (answer.status === 200) {
            opened = answer.body.opened;
            savedText = body.yaml;
            conflictBox.hidden = true;
            saveStatus.textContent = "Saved " + answer.body.saved + ".";
            document.body.setAttribute("data-saved", answer.body.opened);
          } else if (answer.status === 409) {
            document.getElementById("save-conflict-message").textContent = answer.body.error;
            conflictBox.hidden = false;
            saveStatus.textContent = "Not saved.";
          } else {
            if (answer.body.problems) markProblems(answer.body.problems);
            saveStatus.textContent = "Not saved: " + (answer.body.error || "the studio refused it") + ".";
          }
        }
      );
    });
  }
  document.getElementById("save").addEventListener("click", function () {
    save(false);
  });
  document.getElementById("save-anyway").addEventListener("click", function () {
    save(true);
  });
  document.getElementById("save-cancel").addEventListener("click", function () {
    conflictBox.hidden = true;
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      save(false);
    }
  });
  // Leaving the page with changes not saved asks first, as a desktop editor would.
  window.addEventListener("beforeunload", function (event) {
    if (unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  fetch("/api/schema")
    .then(function (response) {
      return response.json();
    })
    .then(function (loaded) {
      schema = loaded;
      yamlArea.value = yamlText;
      send(true);
    });
})();
