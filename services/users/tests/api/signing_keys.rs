//! The signing key outlives the process: generated once into a file that
//! restarts and replicas share, rotated with the old public key still
//! published, and refused loudly when it is not a key.

use ed25519_dalek::{
    SigningKey,
    pkcs8::{DecodePrivateKey as _, EncodePublicKey as _, spki::der::pem::LineEnding},
};
use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestDatabase, TestKeys};
use users::db::MIGRATIONS;

use crate::helpers::{PASSWORD, TempDir, UsersProcess, migrations_dir, spawn_with};

async fn fresh_db() -> TestDatabase {
    TestDatabase::migrated("users", MIGRATIONS, migrations_dir()).await
}

/// Registers `email` and signs in: the access token.
async fn sign_up(app: &TestApp, email: &str) -> String {
    let registered = app
        .http
        .post(app.url("/api/auth/register"))
        .json(&json!({"email": email, "password": PASSWORD, "name": "Key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    sign_in(app, email).await
}

async fn sign_in(app: &TestApp, email: &str) -> String {
    let response = app
        .http
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `GET /api/users/me` with `token`: the status and the email it names.
async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    let response = app
        .http
        .get(app.url("/api/users/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The kids the JWKS publishes, in order.
async fn kids(app: &TestApp) -> Vec<String> {
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap().to_owned())
        .collect()
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

#[tokio::test]
async fn a_token_issued_before_a_restart_is_accepted_after_it() {
    let dir = TempDir::new("keys");
    let key_file = dir.path().join("jwt-ed25519.pem");
    let env = [
        ("USERS_JWT_PRIVATE_KEY_FILE", key_file.to_str().unwrap()),
        ("USERS_JWT_GENERATE_KEY", "true"),
    ];
    let db = fresh_db().await;
    let same_db = db.handle();
    let before = spawn_with(db, &env).await;
    let token = sign_up(&before, "ruth@example.com").await;
    assert!(key_file.exists(), "the key was generated into the file");

    let after = spawn_with(same_db, &env).await;

    assert_eq!(kids(&after).await, kids(&before).await);
    let (status, body) = me(&after, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "ruth@example.com");
    assert_eq!(
        kid_of(&sign_in(&after, "ruth@example.com").await),
        kid_of(&token),
        "the new instance signs with the same key"
    );
}

#[tokio::test]
async fn two_instances_generating_together_on_an_empty_directory_end_with_one_key() {
    let dir = TempDir::new("keys");
    let key_file = dir.path().join("jwt-ed25519.pem");
    let env = [
        ("USERS_JWT_PRIVATE_KEY_FILE", key_file.to_str().unwrap()),
        ("USERS_JWT_GENERATE_KEY", "true"),
    ];
    let db = TestDatabase::empty("users").await;
    let same_db = db.handle();

    let (first, second) = tokio::join!(spawn_with(db, &env), spawn_with(same_db, &env));

    let published = kids(&first).await;
    assert_eq!(published.len(), 1);
    assert_eq!(kids(&second).await, published);
    let token = sign_up(&first, "sven@example.com").await;
    assert_eq!(
        me(&second, &token).await.0,
        200,
        "each accepts the other's tokens"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "one key file and no leftovers: {files:?}");
}

#[tokio::test]
async fn after_a_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key() {
    let old_key = TestKeys::generate();
    let new_key = TestKeys::generate();
    let old_pem = old_key.pem();
    let db = fresh_db().await;
    let (same_db, third_db) = (db.handle(), db.handle());
    let before = spawn_with(db, &[("USERS_JWT_PRIVATE_KEY", &old_pem)]).await;
    let old_token = sign_up(&before, "tara@example.com").await;
    assert_eq!(kid_of(&old_token), old_key.kid());

    // The rotation: the new private key signs; the old one's public half,
    // from a file, is published until the tokens it signed have expired.
    let dir = TempDir::new("keys");
    let previous = dir.path().join("previous.pem");
    let old_public = SigningKey::from_pkcs8_pem(&old_pem)
        .unwrap()
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    std::fs::write(&previous, old_public).unwrap();
    let new_pem = new_key.pem();
    let rotated = spawn_with(
        same_db,
        &[
            ("USERS_JWT_PRIVATE_KEY", &new_pem),
            (
                "USERS_JWT_PREVIOUS_PUBLIC_KEYS_FILE",
                previous.to_str().unwrap(),
            ),
        ],
    )
    .await;

    assert_eq!(kids(&rotated).await, [new_key.kid(), old_key.kid()]);
    let (status, body) = me(&rotated, &old_token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "tara@example.com");
    let new_token = sign_in(&rotated, "tara@example.com").await;
    assert_eq!(
        kid_of(&new_token),
        new_key.kid(),
        "never signed with the old key"
    );
    assert_eq!(me(&rotated, &new_token).await.0, 200);

    // Without the previous key published, the old token is a stranger.
    let forgetful = spawn_with(third_db, &[("USERS_JWT_PRIVATE_KEY", &new_pem)]).await;
    assert_eq!(kids(&forgetful).await, [new_key.kid()]);
    assert_eq!(me(&forgetful, &old_token).await.0, 401);
}

#[tokio::test]
async fn a_bad_key_file_stops_start_up_naming_the_variable() {
    let dir = TempDir::new("keys");
    let not_a_key = dir.path().join("jwt-ed25519.pem");
    std::fs::write(&not_a_key, "this is not a key\n").unwrap();
    let not_a_key = not_a_key.to_str().unwrap();
    let missing = dir.path().join("missing/jwt-ed25519.pem");
    let missing = missing.to_str().unwrap();
    let good_pem = TestKeys::generate().pem();
    let db = TestDatabase::empty("users").await;

    for (what, env, variable) in [
        (
            "a file that is not a key",
            vec![("USERS_JWT_PRIVATE_KEY_FILE", not_a_key)],
            "USERS_JWT_PRIVATE_KEY_FILE",
        ),
        (
            "a file that is not a key, with generate on",
            vec![
                ("USERS_JWT_PRIVATE_KEY_FILE", not_a_key),
                ("USERS_JWT_GENERATE_KEY", "true"),
            ],
            "USERS_JWT_PRIVATE_KEY_FILE",
        ),
        (
            "an unreadable file",
            vec![("USERS_JWT_PRIVATE_KEY_FILE", missing)],
            "USERS_JWT_PRIVATE_KEY_FILE",
        ),
        (
            "a directory that cannot be generated into",
            vec![
                ("USERS_JWT_PRIVATE_KEY_FILE", missing),
                ("USERS_JWT_GENERATE_KEY", "true"),
            ],
            "USERS_JWT_PRIVATE_KEY_FILE",
        ),
        (
            "previous keys that are not keys",
            vec![
                ("USERS_JWT_PRIVATE_KEY", good_pem.as_str()),
                ("USERS_JWT_PREVIOUS_PUBLIC_KEYS_FILE", not_a_key),
            ],
            "USERS_JWT_PREVIOUS_PUBLIC_KEYS_FILE",
        ),
    ] {
        let (status, output) = UsersProcess::run_to_exit(&db, &env).await;
        assert!(!status.success(), "{what}: start-up must fail:\n{output}");
        assert!(
            output.contains(variable),
            "{what}: the error names {variable}:\n{output}"
        );
    }
    assert!(
        !std::path::Path::new(missing).exists(),
        "nothing was created"
    );
}
