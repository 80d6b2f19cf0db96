-- Writes the temp macros every other statement draws its numbers from. Every random number in
-- the sandbox is DuckDB's hash() of (seed, salt, row key): the salt names the purpose of a draw
-- (salts.py, one registry), the row key the entity it is drawn for, so the data is a pure
-- function of the arguments, independent of row order and thread count.
--
-- u01(salt, key): uniform in [0, 1): the top 53 bits of a 64-bit hash. DuckDB combines the hashes
-- of several arguments cheaply (hash(s, 1, i) and hash(s, 2, i) correlate at ~0.6), so the
-- combined value is hashed once more to make draws with different salts independent.
create or replace temp macro u01(k, i) as
((hash(hash({seed}, k, i)) >> 11)::double / 9007199254740992.0);
-- standard normal via Box-Muller on two independent uniforms.
create or replace temp macro nrm(k, i) as
(sqrt(-2.0 * ln(1.0 - u01(k, i))) * cos(2.0 * pi() * u01(k + {salt_normal_second_uniform_offset}, i)));
-- log-normal with a given median and sigma (heavy right tail, like real durations).
create or replace temp macro lognorm(k, i, median, sigma) as ((median) * exp((sigma) * nrm(k, i)));
create or replace temp macro clamp(x, lo, hi) as least(greatest(x, lo), hi);
-- ids: hex strings and a UUID-shaped string, each part from its own sub-salt.
create or replace temp macro hex16(k, i) as printf('%016x', hash({seed}, k, i, {salt_hex16_part}));
create or replace temp macro hex32(k, i) as
printf('%016x%016x', hash({seed}, k, i, {salt_hex32_high_part}), hash({seed}, k, i, {salt_hex32_low_part}));
create or replace temp macro uuidish(k, i) as printf('%08x-%04x-%04x-%04x-%012x',
hash({seed}, k, i, {salt_uuid_first_part}) >> 32, (hash({seed}, k, i, {salt_uuid_first_part}) >> 16) & 65535,
hash({seed}, k, i, {salt_uuid_first_part}) & 65535, hash({seed}, k, i, {salt_uuid_second_part}) >> 48,
hash({seed}, k, i, {salt_uuid_second_part}) & 281474976710655);
-- a 16-digit numeric id (workspace ids, user ids, job ids look like this).
create or replace temp macro num16(k, i) as
(1000000000000000 + hash({seed}, k, i, {salt_num16_part}) % 8999999999999999)::bigint;
create or replace temp macro ts_ms(ms) as make_timestamp((ms)::bigint * 1000);
-- num / den as an exact DECIMAL(38,18) (DuckDB divides decimals in DOUBLE).
create or replace temp macro dec18(num, den) as (
((num)::hugeint // (den))::varchar || '.'
|| lpad(((((num)::hugeint % (den)) * 1000000000000000000) // (den))::varchar, 18, '0')
)::decimal(38, 18);
