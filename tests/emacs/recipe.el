;;; recipe.el --- the book's eglot recipe, driven as a user would  -*- lexical-binding: t -*-
;;
;; Loaded with `-l` into an Emacs daemon that has read the book's Emacs recipe (docs/src/
;; editors.md) as written, as its init file, with `catalint' on the PATH. The daemon runs its
;; command loop between the steps below (each step runs from a timer), so eglot's and
;; Flymake's idle timers fire as they do for a user. In a copy of the example catalogue with no
;; catalint.yaml and no .git it checks: opening a broken service file starts the server, at
;; the catalogue's top (no false findings about teams); the schema finding arrives through
;; Flymake; `M-.' on the team reference opens teams/teams.yaml at the team's id; typing a
;; misspelt team name shows an unresolved-reference finding; typing it right clears it.
;; Exits 0 when every check passed. Environment: CATALOGUE (the catalogue folder).

(require 'cl-lib)

(defvar recipe-root (getenv "CATALOGUE"))
(defvar recipe-file (expand-file-name "services/hr-self-service.yaml" recipe-root))
(defvar recipe-teams (expand-file-name "teams/teams.yaml" recipe-root))
(defvar recipe-failures 0)
(defvar recipe-buffer nil)

(defun recipe-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n") #'external-debugging-output))

(defun recipe-check (ok what)
  (unless ok
    (setq recipe-failures (1+ recipe-failures))
    (recipe-say "FAILED: %s" what))
  ok)

(defun recipe-codes ()
  "The rule ids of the Flymake diagnostics in the service's buffer."
  (with-current-buffer recipe-buffer
    (mapcar (lambda (d)
              ;; eglot 1.9 writes "catalint [code]: message".
              (let ((text (flymake-diagnostic-text d)))
                (if (string-match "\\`catalint \\[\\([a-z-]+\\)\\]: " text)
                    (match-string 1 text)
                  text)))
            (flymake-diagnostics))))

(defun recipe-texts ()
  (with-current-buffer recipe-buffer
    (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))

(defun recipe-finish ()
  (recipe-say (if (= recipe-failures 0)
                  "emacs recipe: all checks passed"
                (format "emacs recipe: %d failed" recipe-failures)))
  (ignore-errors (with-current-buffer recipe-buffer (eglot-shutdown (eglot-current-server))))
  (kill-emacs (if (= recipe-failures 0) 0 1)))

(defun recipe-wait (what pred seconds then)
  "Run THEN once PRED holds, polling from a timer; count a failure after SECONDS."
  (let ((deadline (+ (float-time) seconds)))
    (cl-labels ((poll ()
                  (cond ((ignore-errors (funcall pred))
                         (condition-case err (funcall then)
                           (error (recipe-check nil (format "%s, then: %S" what err))
                                  (recipe-finish))))
                        ((> (float-time) deadline)
                         (recipe-check nil (format "%s (diagnostics: %S)" what
                                                   (ignore-errors (recipe-texts))))
                         (recipe-finish))
                        (t (run-with-timer 0.05 nil #'poll)))))
      (run-with-timer 0.05 nil #'poll))))

(defun recipe-goto-line-column (line column)
  (goto-char (point-min))
  (forward-line (1- line))
  (move-to-column column))

(defun recipe-step-open ()
  (setq recipe-buffer (find-file-noselect recipe-file))
  (switch-to-buffer recipe-buffer)
  ;; `C-x C-f' is a command, and eglot-ensure connects after it, from post-command-hook,
  ;; which the command loop runs after every command: run it as it would.
  (run-hooks 'post-command-hook)
  (recipe-check (eq major-mode 'yaml-mode) (format "the file is in yaml-mode: %s" major-mode))
  (recipe-wait "the recipe starts the server"
               (lambda () (with-current-buffer recipe-buffer (eglot-current-server))) 30
               #'recipe-step-diagnostics))

(defun recipe-step-diagnostics ()
  (let ((server (with-current-buffer recipe-buffer (eglot-current-server))))
    (recipe-check (memq 'yaml-mode (eglot--major-modes server)) "eglot serves yaml-mode")
    (recipe-check (equal (process-command (jsonrpc--process server)) '("catalint" "lsp"))
                  (format "the recipe's command: %S" (process-command (jsonrpc--process server)))))
  (recipe-wait "the schema finding arrives through Flymake"
               (lambda () (member "schema" (recipe-codes))) 30
               #'recipe-step-root))

(defun recipe-step-root ()
  ;; With `services/' as the catalogue every team reference would be unresolved.
  (recipe-check (not (member "unresolved-reference" (recipe-codes)))
                (format "no false unresolved-reference: %S" (recipe-texts)))
  (recipe-step-definition))

(defun recipe-step-definition ()
  (with-current-buffer recipe-buffer
    (recipe-goto-line-column 17 12)
    (call-interactively #'xref-find-definitions))
  (recipe-check (equal (buffer-file-name (window-buffer (selected-window))) recipe-teams)
                (format "M-. opens teams.yaml: %S" (buffer-file-name (window-buffer (selected-window)))))
  (with-current-buffer (window-buffer (selected-window))
    (recipe-check (looking-at "hr-systems")
                  (format "M-. lands on the team's id: %S"
                          (buffer-substring (point) (line-end-position)))))
  (switch-to-buffer recipe-buffer)
  (recipe-step-break))

(defun recipe-step-break ()
  ;; Typed, one character at a time, as a user does: `hr-systems' becomes `hr-sytems'.
  (with-current-buffer recipe-buffer
    (recipe-goto-line-column 17 15)
    (delete-char 1))
  (recipe-wait "typing a misspelt team shows unresolved-reference"
               (lambda () (member "unresolved-reference" (recipe-codes))) 30
               #'recipe-step-mend))

(defun recipe-step-mend ()
  (with-current-buffer recipe-buffer
    (recipe-goto-line-column 17 15)
    (insert "s"))
  (recipe-wait "typing it right clears the finding"
               (lambda () (and (not (member "unresolved-reference" (recipe-codes)))
                               (member "schema" (recipe-codes))))
               30 #'recipe-finish))

;; A daemon left behind by a failed step must not hang the test.
(run-with-timer 90 nil (lambda () (recipe-check nil "the checks took over 90 s") (recipe-finish)))
(run-with-timer 0.1 nil #'recipe-step-open)

;;; recipe.el ends here
