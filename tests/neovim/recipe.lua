-- Runs after the "Neovim 0.7 to 0.10" recipe of docs/src/editors.md, loaded as written as
-- the init file (`-u`), in a copy of the example catalogue with no catalint.yaml, Neovim
-- started in its `services/` folder. Checks what a new user relies on: the catalogue's root
-- is found (no false findings about teams), omnifunc and the keymaps are set, `gd` goes to a
-- definition, and without file watching (Neovim 0.7 offers none) an `rm` in a shell is seen
-- after the next `:w`, and `gd` then opens no deleted file. Exits 0 when every check passed.
-- Environment: CATALOGUE (the catalogue folder).
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
local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end
local function has(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == code then return true end
  end
  return false
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'yaml', 'the file is YAML: ' .. vim.bo[buf].filetype)
check(vim.wait(30000, function() return #vim.lsp.buf_get_clients(buf) > 0 end, 20), 'the recipe attaches a client')

-- The file's lifecycle is not one the schema allows: that finding, and none about teams
-- (with `services/` as the catalogue every team reference would be unresolved).
check(vim.wait(30000, function() return has(buf, 'schema') end, 20), 'the schema finding arrives: ' .. vim.inspect(vim.diagnostic.get(buf)))
check(not has(buf, 'unresolved-reference'), 'no false unresolved-reference: ' .. vim.inspect(vim.diagnostic.get(buf)))

check(vim.bo[buf].omnifunc == 'v:lua.vim.lsp.omnifunc', 'omnifunc: ' .. vim.bo[buf].omnifunc)
for _, keys in ipairs({ 'gd', 'gr', 'K', '[d', ']d' }) do
  local m = vim.fn.maparg(keys, 'n', false, true)
  check(m.buffer == 1, 'a buffer keymap for ' .. keys .. ': ' .. vim.inspect(m))
end
-- The keys as typed, through the recipe's mapping.
local function gd() vim.api.nvim_feedkeys('gd', 'mx', false) end

-- `gd` on the team reference (line 17, column 12): teams/teams.yaml.
vim.api.nvim_win_set_cursor(0, { 17, 12 })
gd()
local jumped = vim.wait(10000, function() return vim.api.nvim_buf_get_name(0) == teams_file end, 20)
check(jumped, 'gd opens teams.yaml: ' .. vim.api.nvim_buf_get_name(0))
local teams_buf = vim.api.nvim_get_current_buf()
-- teams/ is no folder of its own: the one server of the catalogue serves it too.
check(#vim.lsp.get_active_clients() == 1, 'one server: ' .. #vim.lsp.get_active_clients())
vim.cmd('buffer ' .. buf)
if teams_buf ~= buf then vim.cmd('bwipeout! ' .. teams_buf) end

-- `rm` in a shell, then `:w` of another file: the server sees it without a watcher.
local teams_text = vim.fn.readfile(teams_file, 'b')
os.remove(teams_file)
vim.cmd('write')
check(vim.wait(30000, function() return has(buf, 'unresolved-reference') end, 20), 'the deleted team file is seen after :w')
vim.api.nvim_win_set_cursor(0, { 17, 12 })
gd()
vim.wait(1500, function() return false end, 50)
check(vim.api.nvim_buf_get_name(0) == file, 'gd opens no deleted file: ' .. vim.api.nvim_buf_get_name(0))
vim.cmd('buffer ' .. buf)

-- `git checkout` brings it back: seen on the next `:w`.
vim.fn.writefile(teams_text, teams_file, 'b')
vim.cmd('write')
check(vim.wait(30000, function() return not has(buf, 'unresolved-reference') end, 20), 'the restored team file is seen after :w')

for _, c in pairs(vim.lsp.get_active_clients()) do c.stop() end
io.stderr:write(failures == 0 and 'neovim recipe: all checks passed\n' or ('neovim recipe: ' .. failures .. ' failed\n'))
os.exit(failures == 0 and 0 or 1)
