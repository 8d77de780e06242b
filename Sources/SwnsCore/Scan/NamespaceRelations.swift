import Glibc

/// Owners and parents of namespaces, asked of nsfs (NS_GET_USERNS, NS_GET_PARENT) through a
/// descriptor of each.
extension NamespaceScan {
    /// A descriptor of namespace `id` that is still that namespace: not a process or descriptor
    /// that has gone and whose number was reused since; for the network namespace of a socket, a
    /// copy of the scan's own.
    public func openStill(_ namespace: ScannedNamespace) -> Int32? {
        if let kept = socketNamespaces.first(where: { $0.id == namespace.id }) { return try? Kernel.duplicate(kept.fd) }
        guard let path = path(of: namespace), let fd = try? Kernel.open(bytes: path, O_RDONLY) else { return nil }
        if NamespaceFiles.inode(fd) == namespace.id { return fd }
        Kernel.close(fd)
        return nil
    }

    /// As util-linux's add_namespace_for_nsfd: for each namespace that no process is in (held by
    /// a bind mount, a descriptor or a socket), its owner and parent, the uid that owns its user
    /// namespace, and the owners and parents that are not yet known, up to the top: they are rows
    /// whatever the columns.
    mutating func resolveProcessless() {
        var queue = namespaces.compactMap { namespace in
            namespace.processCount == 0 ? openStill(namespace).map { (id: namespace.id, fd: $0) } : nil
        }
        while let (id, fd) = queue.popLast() {
            defer { Kernel.close(fd) }
            let kind = namespace(id)?.kind ?? .user
            let ownerFD = try? Kernel.relatedNamespace(fd, parent: false)
            let parentFD = kind == .pid || kind == .user ? try? Kernel.relatedNamespace(fd, parent: true) : nil
            if let uid = (kind == .user ? fd : ownerFD).flatMap({ try? Kernel.ownerUID($0) }) {
                update(id) { $0.ownerUID = uid }
            }
            for (relatedFD, isParent) in [(ownerFD, false), (parentFD, true)] {
                guard let relatedFD else { continue }
                guard let relatedID = NamespaceFiles.inode(relatedFD), relatedID != id else {
                    Kernel.close(relatedFD)
                    continue
                }
                update(id) { if isParent { $0.parent = relatedID } else { $0.owner = relatedID } }
                if namespace(relatedID) == nil {
                    insert(ScannedNamespace(id: relatedID, kind: isParent ? kind : .user))
                    queue.append((relatedID, relatedFD))
                } else {
                    Kernel.close(relatedFD)
                }
            }
        }
    }

    /// Fills in parents and owners of the namespaces, and adds the ancestors that no process is
    /// in. `ancestors`: follow parents and owners up to the top (for the trees). Returns false
    /// when the kernel lacks the ioctls.
    public mutating func resolveRelations(ancestors: Bool) -> Bool {
        // Whether the kernel has the ioctls is asked of our own namespace: a descriptor found in the
        // scan may have been closed and reused for another file by now.
        if let probe = try? Kernel.open("/proc/self/ns/user", O_RDONLY) {
            defer { Kernel.close(probe) }
            do {
                Kernel.close(try Kernel.relatedNamespace(probe, parent: false))
            } catch where error.errno == ENOTTY {
                return false
            } catch {}
        }
        var queue = namespaces.compactMap { namespace in openStill(namespace).map { (id: namespace.id, fd: $0) } }
        while let (id, fd) = queue.popLast() {
            defer { Kernel.close(fd) }
            let kind = namespace(id)?.kind
            var related: [(parent: Bool, fd: Int32?)] = [(false, try? Kernel.relatedNamespace(fd, parent: false))]
            if kind == .pid || kind == .user { related.append((true, try? Kernel.relatedNamespace(fd, parent: true))) }
            for case let (isParent, relatedFD?) in related {
                guard let relatedID = NamespaceFiles.inode(relatedFD) else { Kernel.close(relatedFD); continue }
                update(id) { if isParent { $0.parent = relatedID } else { $0.owner = relatedID } }
                if namespace(relatedID) == nil {
                    let relatedKind = isParent ? (kind ?? .user) : .user
                    var added = ScannedNamespace(id: relatedID, kind: relatedKind)
                    if relatedKind == .user { added.ownerUID = try? Kernel.ownerUID(relatedFD) }
                    insert(added)
                    if ancestors {
                        queue.append((relatedID, relatedFD))
                        continue
                    }
                }
                Kernel.close(relatedFD)
            }
        }
        return true
    }
}
