-- Argo CD health check for kuberelay.dev RelayKey, ProviderKey and Policy (docs/gitops.md).
-- Argo CD runs it with gopher-lua (Lua 5.1): keep to the 5.1 subset. Tested by
-- docs/argocd/health.test.ts with lua5.1 on sample objects.
hs = {}
local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the kuberelay operator to report a status"
  return hs
end
local generation = obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the kuberelay operator to reconcile generation " .. tostring(generation)
  return hs
end
for _, condition in ipairs(status.conditions) do
  if condition.type == "Ready" then
    local stale = generation ~= nil and condition.observedGeneration ~= nil and condition.observedGeneration < generation
    local detail = tostring(condition.reason or "")
    if condition.message ~= nil and condition.message ~= "" then
      detail = detail .. ": " .. tostring(condition.message)
    end
    if stale then
      hs.status = "Progressing"
      hs.message = "Ready is for an older generation; waiting for the kuberelay operator"
    elseif condition.status == "True" then
      hs.status = "Healthy"
      hs.message = detail
    elseif condition.status == "False" then
      hs.status = "Degraded"
      hs.message = detail
    else
      hs.status = "Progressing"
      hs.message = detail
    end
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
