-- Headless Neovim (0.7 and later) as catalint's language client: opens a broken service
-- file of a catalogue, checks the diagnostics it receives, types a fix and sees them go,
-- and asks for a definition. Exits 0 when every check passed; failures go to stderr.
-- Environment: CATALINT (the binary), CATALOGUE (the catalogue folder).
local bin = os.getenv('CATALINT')
local root = os.getenv('CATALOGUE')
local file = root .. '/services/hr-self-service.yaml'

local failures = 0
local function check(ok, what)
  if not ok then
    failures = failures + 1
    io.stderr:write('FAILED: ' .. what .. '\n')
  end
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ name = 'catalint', cmd = { bin, 'lsp' }, root_dir = root })
check(id ~= nil, 'the client starts')
vim.lsp.buf_attach_client(buf, id)

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

-- The file names team `hr-sytems`: an unresolved reference on line 17 (0-based 16),
-- from column 10.
local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
check(got, 'diagnostics arrive')
local diagnostics = vim.diagnostic.get(buf)
local found = nil
for _, d in ipairs(diagnostics) do
  if code_of(d) == 'unresolved-reference' then found = d end
end
check(found ~= nil, 'an unresolved-reference diagnostic: ' .. vim.inspect(diagnostics))
if found then
  check(found.lnum == 16, 'on line 16 (0-based), got ' .. tostring(found.lnum))
  check(found.col == 10, 'from column 10, got ' .. tostring(found.col))
  check(found.severity == vim.diagnostic.severity.ERROR, 'an error')
  check(found.message:find('hr-systems', 1, true) ~= nil, 'the help names hr-systems')
end

-- Typing the fix: the finding goes, with no save.
vim.api.nvim_buf_set_text(buf, 16, 10, 16, 19, { 'hr-systems' })
local cleared = vim.wait(30000, function()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == 'unresolved-reference' then return false end
  end
  return true
end, 20)
check(cleared, 'the finding goes once the team id is typed right')

-- Go to definition on the team reference: teams/teams.yaml, line 5 (0-based 4).
vim.api.nvim_win_set_cursor(0, { 17, 12 })
local params = vim.lsp.util.make_position_params()
local answers = vim.lsp.buf_request_sync(buf, 'textDocument/definition', params, 10000)
local answer = answers and answers[id] and answers[id].result
check(answer ~= nil, 'a definition: ' .. vim.inspect(answers))
if answer then
  local location = answer.uri and answer or answer[1]
  check(location.uri == vim.uri_from_fname(root .. '/teams/teams.yaml'), 'in teams.yaml: ' .. vim.inspect(location))
  check(location.range.start.line == 4, 'on line 4: ' .. vim.inspect(location.range))
  check(location.range.start.character == 6, 'at column 6: ' .. vim.inspect(location.range))
end

vim.lsp.stop_client(id)
io.stderr:write(failures == 0 and 'neovim: all checks passed\n' or ('neovim: ' .. failures .. ' failed\n'))
os.exit(failures == 0 and 0 or 1)
