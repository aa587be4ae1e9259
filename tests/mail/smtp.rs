//! A real SMTP server for the tests, on a free loopback port: mailin's protocol engine
//! behind a plain TCP listener (no TLS), storing what it receives. It can refuse an address
//! for good (550) or once for now (451).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

/// A message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Default)]
pub struct ServerState {
    pub received: Vec<Received>,
    /// Refused for good (550).
    pub reject: BTreeSet<String>,
    /// Refused once for now (451), accepted after.
    pub defer_once: BTreeSet<String>,
    /// Received in full, then the connection is dropped before the server answers.
    pub drop_after_data: BTreeSet<String>,
    /// Set when the message just received must get no answer.
    hang_up: bool,
}

#[derive(Clone)]
pub struct Handler {
    state: Arc<Mutex<ServerState>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl mailin::Handler for Handler {
    fn rcpt(&mut self, to: &str) -> mailin::Response {
        let mut state = self.state.lock().unwrap();
        if state.reject.contains(to) {
            return mailin::Response::custom(550, "5.1.1 No such mailbox".into());
        }
        if state.defer_once.remove(to) {
            return mailin::Response::custom(451, "4.3.0 Try again later".into());
        }
        self.to.push(to.to_string());
        mailin::response::OK
    }

    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> mailin::Response {
        self.data.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin::Response {
        let received = Received {
            to: std::mem::take(&mut self.to),
            data: std::mem::take(&mut self.data),
        };
        let mut state = self.state.lock().unwrap();
        state.hang_up = received
            .to
            .iter()
            .any(|to| state.drop_after_data.contains(to));
        state.received.push(received);
        mailin::response::OK
    }
}

/// An SMTP server on a free loopback port, serving each connection on its own thread.
pub struct Server {
    pub port: u16,
    pub state: Arc<Mutex<ServerState>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(ServerState::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = Handler {
                    state: Arc::clone(&shared),
                    to: Vec::new(),
                    data: Vec::new(),
                };
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, handler, state));
            }
        });
        Server { port, state }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

fn serve(stream: std::net::TcpStream, handler: Handler, state: Arc<Mutex<ServerState>>) {
    let ip: IpAddr = stream.peer_addr().map(|a| a.ip()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut session = mailin::SessionBuilder::new("test.localhost").build(ip, handler);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = session.process(&line);
        if std::mem::take(&mut state.lock().unwrap().hang_up) {
            return;
        }
        match response.action {
            mailin::Action::Reply => {
                if response.write_to(&mut writer).is_err() {
                    return;
                }
            }
            mailin::Action::Close => {
                let _ = response.write_to(&mut writer);
                return;
            }
            mailin::Action::NoReply => {}
            mailin::Action::UpgradeTls => return,
        }
        let _ = writer.flush();
    }
}
