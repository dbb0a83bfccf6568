//! Documents: files a client keeps in their record, uploaded as they are (an X-ray stays the
//! original, byte for byte), sealed under the client's data key.
