-- functions/patients.sql: the normalised kana key a registered person is
-- found by, and the constraint that holds patient.kana_key to it.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- NFKC (half-width kana -> full-width, ｶﾞ -> ガ), hiragana -> katakana, and
-- spaces (half- and full-width) and middle dots (・ ･) removed: ヤマダ ハナコ,
-- やまだ　はなこ and ﾔﾏﾀﾞﾊﾅｺ are one key.  The characters in the second
-- argument of translate() beyond the third's length are deleted.
CREATE OR REPLACE FUNCTION kana_key(k text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN translate(normalize(k, NFKC),
	'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖゝゞ 　・･',
	'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶヽヾ');

-- Two addresses compared as the same place: NFKC (full-width digits and
-- letters, half-width kana), spaces removed, and the dashes people type
-- between block numbers (－ ー ‐ ― −) as "-".  Used to tell a second
-- person with the same kana, birth date and sex from the first
-- (017_patient_identity.sql); never shown.
CREATE OR REPLACE FUNCTION address_key(a text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN translate(normalize(a, NFKC), 'ー‐―− 　', '----');

-- The key can only be the function of the kana it was made from.  Made
-- here, once, because base.sql runs before any function exists.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = 'renrakucho.patient'::regclass
	    AND conname = 'patient_kana_key') THEN
		ALTER TABLE patient ADD CONSTRAINT patient_kana_key
			CHECK (kana_key = kana_key(kana));
	END IF;
END
$$;

-- Everyone may call it (functions are executable by PUBLIC by default);
-- said here so a REVOKE elsewhere does not break registration.
GRANT EXECUTE ON FUNCTION kana_key(text) TO renrakucho_app;
GRANT EXECUTE ON FUNCTION address_key(text) TO renrakucho_app;
