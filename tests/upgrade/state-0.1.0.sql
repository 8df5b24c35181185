-- The state of juan 0.1.0 (commit 62656ce), for tests/state.sh's upgrade
-- test: `sqlite3 state.db .dump` of the state it wrote, plus its
-- user_version (.dump leaves it out). Made by reading
-- tests/upgrade/bookshop.txt, copied to /tmp/juan-upgrade/bookshop.txt,
-- in a 40x10 tmux pane with JUAN_STATE_DIR and JUAN_CACHE_DIR under
-- /tmp/juan-upgrade: j x8, M 要点 Enter 记下来 Enter, j x10, m a, j x6, q;
-- then `juan --bookmarks` (its output: bookmarks-0.1.0.txt) and
-- `juan --index` (the index: bookshop-0.1.0.t2s.idx.gz.b64, gzip then
-- base64; its record by path: record-0.1.0). Identities here are of the
-- older form ("SIZE-HASH").
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE documents( id TEXT PRIMARY KEY, title TEXT, encoding TEXT, size INTEGER, length INTEGER, first_read INTEGER, last_read INTEGER);
INSERT INTO documents VALUES('1339-a488e59639e9fdc1','旧书店的下午','UTF-8',1339,1339,1796104854,1796104856);
CREATE TABLE paths( path TEXT PRIMARY KEY, doc TEXT NOT NULL, size INTEGER, mtime INTEGER, seen INTEGER);
INSERT INTO paths VALUES('/tmp/juan-upgrade/bookshop.txt','1339-a488e59639e9fdc1',1339,1796104854495606521,1796104856213282);
CREATE TABLE positions( doc TEXT PRIMARY KEY, offset INTEGER, quote TEXT, section TEXT, section_off INTEGER, percent REAL, saved INTEGER);
INSERT INTO positions VALUES('1339-a488e59639e9fdc1',700,'店主话不多，收钱的时候总要把书翻一遍，看看里面有没有前一个主人留','三、店主',686,52.277819268110526707,1796104856);
CREATE TABLE bookmarks( doc TEXT NOT NULL, name TEXT NOT NULL, note TEXT, offset INTEGER, quote TEXT, section TEXT, section_off INTEGER, percent REAL, created INTEGER, PRIMARY KEY(doc, name));
INSERT INTO bookmarks VALUES('1339-a488e59639e9fdc1','要点','记下来',177,'我第一次进去是在一个下雨的下午。伞还在滴水，我站在门槛上不知道该','一、门口',20,13.218820014936520478,1796104855);
INSERT INTO bookmarks VALUES('1339-a488e59639e9fdc1','''a','',492,'书没有按什么规矩排。诗集挨着菜谱，地图册里夹着一本讲养蜂的小册子','二、书架',323,36.743838685586261761,1796104855);
CREATE INDEX paths_doc ON paths(doc);
COMMIT;
PRAGMA user_version=1;
