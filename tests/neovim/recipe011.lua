-- Runs after the "Neovim 0.11 and later" recipe of docs/src/editors.md (`vim.lsp.config`,
-- `vim.lsp.enable`), loaded as written as the init file (`-u`) of Neovim 0.11, in a copy of
-- the example catalogue with no catalint.yaml and no .git, Neovim started in its `services/`
-- folder. Checks: the server starts on a YAML file and finds the catalogue's top (no false
-- findings about teams), the schema finding arrives, Neovim's own LSP defaults are there
-- (omnifunc, `grr`, `grn`, `gra`), CTRL-] goes to a definition in the same server, and a
-- misspelt reference typed in shows its finding, then clears when typed right.
-- Exits 0 when every check passed. Environment: CATALOGUE (the catalogue folder).
local root = os.getenv('CATALOGUE')
local file = root .. '/services/hr-self-service.yaml'
local teams_file = root .. '/teams/teams.yaml'

local failures = 0
local function check(ok, what)
  if not ok then
    failures = failures + 1
    io.stderr:write('FAILED: ' .. what .. '\n')
  end
end
local function has(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then return true end
  end
  return false
end

io.stderr:write(vim.version().major .. '.' .. vim.version().minor .. '\n')
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'yaml', 'the file is YAML: ' .. vim.bo[buf].filetype)
check(vim.wait(30000, function() return #vim.lsp.get_clients({ bufnr = buf, name = 'catalint' }) > 0 end, 20), 'vim.lsp.enable attaches catalint')

check(vim.wait(30000, function() return has(buf, 'schema') end, 20), 'the schema finding arrives: ' .. vim.inspect(vim.diagnostic.get(buf)))
check(not has(buf, 'unresolved-reference'), 'no false unresolved-reference: ' .. vim.inspect(vim.diagnostic.get(buf)))

check(vim.bo[buf].omnifunc == 'v:lua.vim.lsp.omnifunc', 'omnifunc: ' .. vim.bo[buf].omnifunc)
check(vim.bo[buf].tagfunc == 'v:lua.vim.lsp.tagfunc', 'tagfunc: ' .. vim.bo[buf].tagfunc)
for _, keys in ipairs({ 'grr', 'grn', 'gra', 'K' }) do
  check(vim.fn.maparg(keys, 'n') ~= '', 'a keymap for ' .. keys)
end

-- CTRL-] on the team reference (line 17, column 12): teams/teams.yaml, at the team's id.
vim.api.nvim_win_set_cursor(0, { 17, 12 })
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<C-]>', true, false, true), 'mx', false)
local jumped = vim.wait(10000, function() return vim.api.nvim_buf_get_name(0) == teams_file end, 20)
check(jumped, 'CTRL-] opens teams.yaml: ' .. vim.api.nvim_buf_get_name(0))
if jumped then
  local line = vim.api.nvim_get_current_line()
  local col = vim.api.nvim_win_get_cursor(0)[2]
  check(line:sub(col + 1, col + 10) == 'hr-systems', 'CTRL-] lands on the id: ' .. line)
end
local teams_buf = vim.api.nvim_get_current_buf()
check(#vim.lsp.get_clients({ name = 'catalint' }) == 1, 'one server: ' .. #vim.lsp.get_clients({ name = 'catalint' }))
vim.cmd('buffer ' .. buf)
if teams_buf ~= buf then vim.cmd('bwipeout! ' .. teams_buf) end

-- A misspelt team typed in (`x` on the second `s` of hr-systems), then typed right.
vim.api.nvim_win_set_cursor(0, { 17, 15 })
vim.api.nvim_feedkeys('x', 'mx', false)
check(vim.wait(30000, function() return has(buf, 'unresolved-reference') end, 20), 'typing a misspelt team shows unresolved-reference')
vim.api.nvim_feedkeys('is', 'mx', false)
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<Esc>', true, false, true), 'mx', false)
check(vim.wait(30000, function() return not has(buf, 'unresolved-reference') end, 20), 'typing it right clears it: ' .. vim.api.nvim_buf_get_lines(buf, 16, 17, false)[1])

for _, c in ipairs(vim.lsp.get_clients()) do c:stop() end
io.stderr:write(failures == 0 and 'neovim 0.11 recipe: all checks passed\n' or ('neovim 0.11 recipe: ' .. failures .. ' failed\n'))
os.exit(failures == 0 and 0 or 1)
