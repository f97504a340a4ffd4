-- Patients (beyond 003): the one normalised kana key used for both the
-- insert and the lookup of a registered person.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- NFKC (half-width kana -> full-width, ｶﾞ -> ガ), hiragana -> katakana, and
-- spaces (half- and full-width) and middle dots (・ ･) removed: ヤマダ ハナコ,
-- やまだ　はなこ and ﾔﾏﾀﾞﾊﾅｺ are one key.  The characters in the second
-- argument of translate() beyond the third's length are deleted.
CREATE FUNCTION kana_key(k text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN translate(normalize(k, NFKC),
	'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖゝゞ 　・･',
	'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶヽヾ');

-- The key can only be the function of the kana it was made from.
ALTER TABLE patient ADD CONSTRAINT patient_kana_key
	CHECK (kana_key = kana_key(kana));

-- Everyone may call it (functions are executable by PUBLIC by default);
-- said here so a REVOKE elsewhere does not break registration.
GRANT EXECUTE ON FUNCTION kana_key(text) TO renrakucho_app;
